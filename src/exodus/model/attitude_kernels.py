"""The household passes of `exodus.model.attitudes`, each fused into one compiled loop.

Each kernel does, household by household, what the numpy code of the method it names does column
by column, in the same order and dtypes (see `exodus.model.compiled`); the numpy code is the
reference and the documentation. Town-level terms come in as arrays indexed by town; households are
contiguous by town, so `starts[t]:starts[t + 1]` are town t's rows. The `prange` loops of a
`parallel_kernel` may run on threads: each of their iterations writes only its own household (or
listener), and the one float sum (a town's income) stays one serial loop.
"""

from __future__ import annotations

import numpy as np

from exodus.model.compiled import kernel, parallel_kernel, prange


@parallel_kernel
def drive(
    starts,
    tenure,
    displaced,
    in_labour_force,
    employed,
    income,
    fear,
    grievance,
    compassion,
    empathy,
    legitimacy_shift,
    legitimacy_t,
    present_t,
    rent_t,
    jobs_t,
    price_t,
    town_threat_t,
    need_t,
    salience_t,
    tenure_rent_factor,
    displaced_threat,
    legitimacy_weight,
    security_weight,
    grievance_weight,
    empathy_weight,
    employed_job_threat,
    price_threat_cap,
    out,
):
    """`Attitudes.drive` for every household, into `out`.

    Three loops over each town's rows, each reading a few columns, so that the compiler vectorises
    them (with many arrays in one loop it cannot rule out their overlap and stays scalar)."""
    for t in range(starts.size - 1):
        a, b = starts[t], starts[t + 1]
        summed = 0.0
        for i in range(a, b):  # np.bincount's sum: in row order
            summed += income[i]
        mean_income = summed / (b - a)
        for i in prange(a, b):
            out[i] = np.sqrt(mean_income / income[i])
        rent, jobs, price, town_threat = rent_t[t], jobs_t[t], price_t[t], town_threat_t[t]
        for i in prange(a, b):
            threat = tenure_rent_factor[tenure[i]] * rent
            threat = displaced_threat if displaced[i] else threat
            job_threat = 1.0 if (in_labour_force[i] and not employed[i]) else employed_job_threat
            threat += job_threat * jobs
            price_threat = out[i]
            if price_threat > price_threat_cap:  # np.minimum's (NaN stays NaN)
                price_threat = price_threat_cap
            threat += price_threat * price
            threat += town_threat
            out[i] = threat
        legitimacy_town, present, need, salience = (
            legitimacy_t[t],
            present_t[t],
            need_t[t],
            salience_t[t],
        )
        for i in prange(a, b):
            legitimacy = legitimacy_town + legitimacy_shift[i]
            legitimacy = max(legitimacy, 0.0)
            legitimacy = min(legitimacy, 1.0)
            legitimacy *= present
            threat = out[i] - legitimacy_weight * legitimacy
            threat += security_weight * (1.0 if fear[i] else 0.0)
            threat += grievance_weight * (1.0 if grievance[i] else 0.0)
            warmth = need * np.float64(compassion[i])
            legitimacy *= np.float64(empathy[i])
            legitimacy *= empathy_weight
            warmth += legitimacy
            out[i] = (warmth - threat) * salience


@parallel_kernel
def contact_and_target(
    starts,
    employed,
    hosting,
    hosted_days,
    effort,
    disrespect,
    coworker_t,
    town_t,
    landlord_sum,
    landlords,
    quality_neutral32,
    quality_slope32,
    threshold32,
    contact_gain,
    prior_limit,
    prior,
    drive,
):
    """`Attitudes.contact` (from its hosting count on), then `prior + drive` into `drive`.

    `landlord_sum` holds what `np.bincount(landlord, weights, minlength=n)` would: the sums at the
    `landlords`' rows and zeros elsewhere; those rows are set back to zero here."""
    for t in range(starts.size - 1):
        coworker, town = coworker_t[t], town_t[t]
        for i in prange(starts[t], starts[t + 1]):
            guest = hosting[i]
            if guest >= 0:
                hosted_days[i] += 1
            if contact_gain == 0:
                drive[i] = prior[i] + drive[i]
            else:
                change = coworker * (1.0 if employed[i] else 0.0)
                change += town
                if guest >= 0:
                    quality = quality_neutral32 + quality_slope32 * (
                        effort[guest] - disrespect[guest]
                    )
                    change += np.float64(quality - threshold32)
                change += landlord_sum[i]
                change *= contact_gain
                p = prior[i] + change
                if p < -prior_limit:  # np.clip's
                    p = -prior_limit
                if p > prior_limit:
                    p = prior_limit
                prior[i] = p
                drive[i] = p + drive[i]
    for k in range(landlords.size):
        landlord_sum[landlords[k]] = 0.0


@kernel
def add_landlord_contact(landlords, weights, landlord_sum):
    """`np.bincount(landlords, weights)` into a zeroed `landlord_sum`, in the same order."""
    for k in range(landlords.size):
        landlord_sum[landlords[k]] += np.float64(weights[k])


@parallel_kernel
def follow_target(target, rate, attitude):
    """attitude += (target - attitude) * rate."""
    for i in prange(attitude.size):
        attitude[i] += (target[i] - attitude[i]) * rate


@parallel_kernel
def gather_messages(listeners, pick, neighbours, russian, attitude, cross_credibility, gap, heard):
    """For each listener: the message (its speaker's attitude) into `heard`, |message - own| into
    `gap`; returns the credibility of each (1, or `cross_credibility` across languages)."""
    credibility = np.empty(listeners.size)
    for k in prange(listeners.size):
        i = listeners[k]
        speaker = neighbours[i, pick[i]]
        message = attitude[speaker]
        heard[k] = message
        gap[k] = abs(message - attitude[i])
        credibility[k] = 1.0 if russian[speaker] == russian[i] else cross_credibility
    return credibility


@parallel_kernel
def apply_messages(
    listeners, heard, acceptance, credibility, latitude, rate, inverse_bias, eta, attitude
):
    """`message_effect` from `acceptance` = |gap|**k, added to each listener (each one row: the
    listeners are distinct); then the clip."""
    for k in prange(listeners.size):
        i = listeners[k]
        listener = attitude[i]
        message = heard[k]
        bias = 1.0 if message - listener < 0 else inverse_bias
        accept = latitude / (acceptance[k] + latitude)
        effect = credibility[k] * rate
        effect *= bias
        effect *= accept
        effect *= message - eta * listener
        attitude[i] = listener + effect
    for i in prange(attitude.size):
        a = attitude[i]
        if a < -1.0:
            attitude[i] = -1.0
        elif a > 1.0:
            attitude[i] = 1.0
