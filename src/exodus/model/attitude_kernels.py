"""The household passes of `exodus.model.attitudes`, each fused into one compiled loop (and its
passes over the migrant parties and the rental units).

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
from exodus.model.state import (
    LANDLORD,
    MIGRANT_TENANT,
    MOBILISED,
    NO_BED,
    OWNER,
    RENTER,
    SHELTER,
    STUDENT,
)


@parallel_kernel
def town_mean_income(starts, income):
    """`np.bincount(town, weights=income) / np.bincount(town)`: each town's sum in row order, in
    one iteration of the loop over towns."""
    n_towns = starts.size - 1
    mean_income = np.empty(n_towns)
    for t in prange(n_towns):
        a, b = starts[t], starts[t + 1]
        summed = 0.0
        for i in range(a, b):
            summed += income[i]
        mean_income[t] = summed / (b - a)
    return mean_income


@parallel_kernel
def drive_contact_target(
    pieces,
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
    hosting,
    hosted_days,
    effort,
    disrespect,
    mean_income_t,
    legitimacy_t,
    present_t,
    rent_t,
    jobs_t,
    price_t,
    town_threat_t,
    need_t,
    salience_t,
    coworker_t,
    contact_t,
    tenure_rent_factor,
    displaced_threat,
    legitimacy_weight,
    security_weight,
    grievance_weight,
    empathy_weight,
    employed_job_threat,
    price_threat_cap,
    landlord_sum,
    is_landlord,
    quality_neutral32,
    quality_slope32,
    threshold32,
    contact_gain,
    prior_limit,
    first_day,
    prior,
    out,
):
    """`Attitudes.drive`, on the first day `prior -= drive`, then `Attitudes.contact` (from its
    hosting count on) and `prior + drive`, the target's atanh, into `out`.

    The households are cut into `pieces` (one per thread), each piece into its towns' rows, and
    each of those runs three loops from row 0 of its slices: the threats, the rest of the drive,
    the contact. The first two read a few columns and branch nowhere, so the compiler vectorises
    them (a loop over many arrays, a table lookup or a signed start keep it scalar, twice as
    slow); the tenure's rent factor is picked by comparisons for that. `landlord_sum` holds what
    `np.bincount(landlord, weights, minlength=n)` would at the rows `is_landlord` marks (zeros
    elsewhere, added as zeros); both are cleared here."""
    n = out.size
    owner, landlord, renter, student = (
        tenure_rent_factor[OWNER],
        tenure_rent_factor[LANDLORD],
        tenure_rent_factor[RENTER],
        tenure_rent_factor[STUDENT],
    )
    size = (n + pieces - 1) // pieces
    for piece in prange(pieces):
        for t in range(starts.size - 1):
            a = max(starts[t], piece * size)
            b = min(starts[t + 1], (piece + 1) * size, n)
            if b <= a:
                continue
            rows = b - a
            o = out[a:b]
            ten, dis, force, emp, inc = (
                tenure[a:b],
                displaced[a:b],
                in_labour_force[a:b],
                employed[a:b],
                income[a:b],
            )
            rent, jobs, price, town_threat = rent_t[t], jobs_t[t], price_t[t], town_threat_t[t]
            town_income = mean_income_t[t]
            # threats: rent above expectations by tenure, job competition, prices, the town's
            for j in range(rows):
                code = ten[j]  # the table's row, by comparisons
                factor = owner if code == OWNER else (landlord if code == LANDLORD else renter)
                factor = student if code == STUDENT else factor
                threat = factor * rent
                threat = displaced_threat if dis[j] else threat
                job_threat = 1.0 if (force[j] & ~emp[j]) else employed_job_threat
                threat += job_threat * jobs
                price_threat = np.sqrt(town_income / inc[j])
                if price_threat > price_threat_cap:  # np.minimum's (NaN stays NaN)
                    price_threat = price_threat_cap
                threat += price_threat * price
                threat += town_threat
                o[j] = threat
            shift, afraid, aggrieved, kind, empathic = (
                legitimacy_shift[a:b],
                fear[a:b],
                grievance[a:b],
                compassion[a:b],
                empathy[a:b],
            )
            legitimacy_town, present, need, salience = (
                legitimacy_t[t],
                present_t[t],
                need_t[t],
                salience_t[t],
            )
            # the legitimacy a household sees, security, grievance; compassion and empathy
            for j in range(rows):
                legitimacy = legitimacy_town + shift[j]
                legitimacy = max(legitimacy, 0.0)
                legitimacy = min(legitimacy, 1.0)
                legitimacy *= present
                threat = o[j] - legitimacy_weight * legitimacy
                threat += security_weight * (1.0 if afraid[j] else 0.0)
                threat += grievance_weight * (1.0 if aggrieved[j] else 0.0)
                warmth = need * np.float64(kind[j])
                legitimacy *= np.float64(empathic[j])
                legitimacy *= empathy_weight
                warmth += legitimacy
                o[j] = (warmth - threat) * salience
            disposition, guests, marked = prior[a:b], hosting[a:b], is_landlord[a:b]
            coworker, town = coworker_t[t], contact_t[t]
            # contact, then the target: prior + drive
            for j in range(rows):
                drive = o[j]
                p = disposition[j]
                if first_day:
                    p -= drive
                guest = guests[j]
                if guest >= 0:
                    hosted_days[a + j] += 1
                if contact_gain != 0:
                    change = coworker * (1.0 if emp[j] else 0.0)
                    change += town
                    if guest >= 0:
                        quality = quality_neutral32 + quality_slope32 * (
                            effort[guest] - disrespect[guest]
                        )
                        change += np.float64(quality - threshold32)
                    if marked[j]:
                        change += landlord_sum[a + j]
                        landlord_sum[a + j] = 0.0
                        marked[j] = False
                    else:
                        change += 0.0  # the bincount's zero: it turns a -0.0 into 0.0
                    change *= contact_gain
                    p = p + change
                    if p < -prior_limit:  # np.clip's
                        p = -prior_limit
                    if p > prior_limit:
                        p = prior_limit
                disposition[j] = p
                o[j] = p + drive


@parallel_kernel
def follow_target(target, rate, attitude):
    """attitude += (target - attitude) * rate; returns how many attitudes came out of [-1, 1] (or
    NaN), so that `apply_messages` need clip only the listeners when none did."""
    outside = 0
    for i in prange(attitude.size):
        a = attitude[i] + (target[i] - attitude[i]) * rate
        attitude[i] = a
        if not (-1.0 <= a <= 1.0):
            outside += 1
    return outside


@kernel
def speakers(listeners, pick, neighbours, out):
    """Each listener's speaker, the neighbour it picked: `neighbours[listener, pick[listener]]`
    (the day's draws and the fixed neighbour table only, so it can be worked out ahead)."""
    for k in range(listeners.size):
        i = np.uint64(listeners[k])  # rows are never negative: unsigned, no index wrapping
        out[k] = neighbours[i, np.uint64(pick[i])]


@parallel_kernel
def gather_messages(
    listeners, speaker, russian, attitude, cross_credibility, gap, heard, credibility
):
    """For each listener: the message (its speaker's attitude) into `heard`, |message - own| into
    `gap`, and its credibility (1, or `cross_credibility` across languages)."""
    for k in prange(listeners.size):
        i = np.uint64(listeners[k])  # rows are never negative: unsigned, no index wrapping
        s = np.uint64(speaker[k])
        message = attitude[s]
        heard[k] = message
        gap[k] = abs(message - attitude[i])
        credibility[k] = 1.0 if russian[s] == russian[i] else cross_credibility


@parallel_kernel
def apply_messages(
    listeners,
    heard,
    acceptance,
    credibility,
    latitude,
    rate,
    inverse_bias,
    eta,
    clip_all,
    attitude,
):
    """`message_effect` from `acceptance` = |gap|**k, added to each listener (each one row: the
    listeners are distinct), then the clip into [-1, 1]: of the listeners only, unless `clip_all`
    (some attitude other than theirs may be outside it)."""
    for k in prange(listeners.size):
        i = np.uint64(listeners[k])
        listener = attitude[i]
        message = heard[k]
        bias = 1.0 if message - listener < 0 else inverse_bias
        accept = latitude / (acceptance[k] + latitude)
        effect = credibility[k] * rate
        effect *= bias
        effect *= accept
        effect *= message - eta * listener
        a = listener + effect
        if a < -1.0:
            a = -1.0
        elif a > 1.0:
            a = 1.0
        attitude[i] = a
    if clip_all:
        for i in prange(attitude.size):
            a = attitude[i]
            if a < -1.0:
                attitude[i] = -1.0
            elif a > 1.0:
                attitude[i] = 1.0


@kernel
def migrant_sums(
    alive,
    travel_left,
    town,
    size,
    wave,
    housing,
    effort,
    disrespect,
    legitimacy_mobilised,
    legitimacy_relocant,
    quality_neutral32,
    quality_slope32,
    total,
    legitimacy_sum,
    need_sum,
    quality_sum,
    disrespect_sum,
    effort_sum,
):
    """`Attitudes.present_means`' sums in one pass over the parties, in row order as
    `np.bincount` adds them. Into the zeroed arrays, by town, over the parties present in town:
    their size, and their size times legitimacy, in need (no bed or a shelter), encounter quality
    (float32, as `contact_quality`), disrespect, effort."""
    for r in range(alive.size):
        if not alive[r] or travel_left[r] != 0:
            continue
        t = town[r]
        weight = np.float64(size[r])
        legitimacy = legitimacy_mobilised if wave[r] == MOBILISED else legitimacy_relocant
        need = 1.0 if (housing[r] == NO_BED or housing[r] == SHELTER) else 0.0
        quality = quality_neutral32 + quality_slope32 * (effort[r] - disrespect[r])
        total[t] += weight
        legitimacy_sum[t] += legitimacy * weight
        need_sum[t] += need * weight
        quality_sum[t] += np.float64(quality) * weight
        disrespect_sum[t] += np.float64(disrespect[r]) * weight
        effort_sum[t] += np.float64(effort[r]) * weight


@kernel
def live_workers(alive, has_job, town, workers):
    """`contact_terms`' migrant workers: into the zeroed `workers`, by town, the live parties with
    a job (in town or on a route)."""
    for r in range(alive.size):
        if alive[r] & has_job[r]:
            workers[np.uint64(town[r])] += 1


@kernel
def unit_contact(
    town,
    holder,
    tenant,
    landlord,
    effort,
    disrespect,
    quality_neutral32,
    quality_slope32,
    threshold32,
    landlord_contact32,
    add,
    stock,
    let,
    landlord_sum,
    is_landlord,
):
    """`contact_terms`' unit counts in one pass over the units: into the zeroed `stock` and `let`,
    each town's units and those let to a migrant; when `add`, each such unit's landlord contact
    (float32 as numpy computes it, `landlord_contact * (quality - threshold)`) summed into
    `landlord_sum` in unit order, as `np.bincount(landlord, weights)` adds them, and its landlord
    marked in `is_landlord`."""
    lets = np.empty(town.size, dtype=np.uint64)
    m = 0
    for u in range(town.size):  # no branch: a quarter of the units are let, in no order
        t = np.uint64(town[u])  # towns, units and rows are never negative: no index wrapping
        is_let = holder[u] == MIGRANT_TENANT
        stock[t] += 1
        let[t] += is_let
        lets[m] = u
        m += is_let
    if add:
        for k in range(m):
            u = lets[k]
            guest = np.uint64(tenant[u])
            gap = quality_neutral32 + quality_slope32 * (effort[guest] - disrespect[guest])
            gap = gap - threshold32
            row = np.uint64(landlord[u])
            landlord_sum[row] += np.float64(landlord_contact32 * gap)
            is_landlord[row] = True
