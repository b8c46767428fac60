"""Parameters of host households' attitudes (`exodus.model.attitudes`)."""

from __future__ import annotations

from typing import Literal

from exodus.scenario.base import (
    Share,
    Strict,
    param,
)


class Attitudes(Strict):
    """What moves a host household's attitude towards the arrivals, in [-1, 1]."""

    initial_mean: float = param(
        0.1,
        ge=-1.0,
        le=1.0,
        unit="attitude",
        evidence="assumed: a slightly warm start; F31 asks which side of the war Kazakh adults "
        "support (59% neutral, 13% pro-Russia, 22% pro-Ukraine, Nov 2022), not how they see "
        "the arrivals, so it bounds the value only loosely",
        description="Mean initial attitude of a Kazakh or Kyrgyz household.",
    )
    initial_sd: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="attitude",
        evidence="assumed: opinions spread widely (F31 shows a divided public on the war, not on the "
        "arrivals)",
        description="Spread of initial attitudes.",
    )
    russian_speaking_bonus: float = param(
        0.2,
        ge=0.0,
        le=1.0,
        unit="attitude",
        evidence="assumed: kinship warms Russian-speaking households by 0.2; F28 gives how many they "
        "are, not how warm",
        description="Extra initial warmth of Russian-speaking households.",
    )
    rate: float = param(
        0.08,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: opinions settle in weeks",
        description="How fast an attitude follows the household's perceptions.",
    )
    salience_scale: float = param(
        0.05,
        gt=0.0,
        le=1.0,
        unit="migrant share of residents",
        evidence="assumed: the arrivals are half-salient at 5% of residents; Urselmans & Phelps 2018 "
        "for the mechanism (perceived numbers drive threat)",
        description="Migrant share at which the arrivals are half-salient.",
    )
    rent_weight: float = param(
        1.0,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: 1, the unit the other threat weights are set against; article: 'students "
        "sleep on the street'",
        description="Weight of rent threat (renters feel it most).",
    )
    job_weight: float = param(
        0.5,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: half the rent threat (few locals compete with the arrivals for the same "
        "jobs); article: 'there is no work here'",
        description="Weight of job-competition threat.",
    )
    price_weight: float = param(
        0.4,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: a little under half the rent threat (prices rise less than rents); "
        "article: 'increased the price of rent and food'",
        description="Weight of price threat.",
    )
    disrespect_weight: float = param(
        0.8,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: contempt is felt nearly as strongly as a rent rise (0.8); article: 'they "
        "do not respect our culture'",
        description="Weight of observed disrespect.",
    )
    cultural_weight: float = param(
        0.3,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: weaker than observed disrespect (distance, not offence); article: 'they "
        "do not integrate with us'",
        description="Weight of cultural threat (low integration).",
    )
    security_weight: float = param(
        0.8,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: the few who fear an attack (F32) feel it nearly as strongly as a rent "
        "rise (0.8); article: 'they will send the tanks to us'",
        description="Weight of security fear.",
    )
    legitimacy_weight: float = param(
        0.6,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: a little over half the rent threat (0.6); article: 'they are just "
        "cowards'",
        description="Weight of low legitimacy of the flight.",
    )
    grievance_weight: float = param(
        0.8,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: a humiliated relative weighs nearly as much as a rent rise (0.8); "
        "article: migrants 'treated as second-rate' in Russia",
        description="Weight of grievance.",
    )
    compassion_weight: float = param(
        2.0,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: twice the rent threat, so that compassion can outweigh the threats where "
        "the need is visible; article: 'the meaning of compassion and hospitality'",
        description="Weight of compassion: helping someone in need, so it grows with the need "
        "the household sees (arrivals without a bed or in a shelter).",
    )
    empathy_weight: float = param(
        1.0,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: as strong as the rent threat (1); article: 'if the situation were "
        "reversed ...'",
        description="Weight of empathy (perspective-taking): taking the arrivals' side, so it "
        "grows with how legitimate the household judges their flight.",
    )
    need_floor: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="need",
        evidence="assumed: men fleeing a draft are seen as in some need even with a bed; "
        "visible homelessness doubles it",
        description="Need households see in arrivals who all have a bed; it rises to 1 as the "
        "share without a bed or in a shelter rises to 1.",
    )
    rent_rise_full_threat: float = param(
        0.5,
        gt=0.0,
        le=5.0,
        unit="share above the expected rent",
        evidence="assumed: a rise of half the rent households expected (the pre-shock trend, "
        "F21) is the full rent threat",
        description="Market rent this far above its background trend is felt as the full threat.",
    )
    price_rise_full_threat: float = param(
        0.1,
        gt=0.0,
        le=5.0,
        unit="share above the expected price",
        evidence="assumed: prices 10% above their inflation trend (F22, F23) are the full threat",
        description="Prices this far above their background trend are felt as the full threat.",
    )
    habituation_days: float = param(
        30.0,
        ge=1.0,
        le=1000.0,
        unit="days",
        evidence="assumed: adaptation-level theory (Helson); a steady stressor fades within "
        "a month or two",
        description="Time constant with which households get used to a steady rent, price, job "
        "or disrespect stressor.",
    )
    habituation_share: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="share",
        evidence="assumed: half of a steady stressor is no longer felt once households are "
        "used to it",
        description="Share of a stressor that fades once households are used to its level "
        "(0: no habituation); a new rise is felt in full again.",
    )
    stress_weight: float = param(
        0.5,
        ge=0,
        le=5,
        unit="weight",
        evidence="assumed: half the rent threat (0.5); article: 'we also have our problems'",
        description="Weight of the town's background stress.",
    )
    grievance_prevalence: dict[Literal["KZ", "KG"], Share] = param(
        {"KZ": 0.2, "KG": 0.4},
        unit="share of households",
        evidence="assumed: KG sends far more labour migrants to Russia than KZ",
        description="Households with a relative humiliated as a migrant worker in Russia.",
    )
    fear_prevalence: float = param(
        0.083,
        ge=0.0,
        le=1.0,
        unit="share of households",
        evidence="F32 (8.3%)",
        description="Households that believe a Russian attack is possible.",
    )
    compassion_mean: float = param(
        0.45,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="assumed: a little below the middle of the scale (0.45); article: 'many show "
        "compassion for those who arrive'",
        description="Mean compassion (Beta distributed).",
    )
    empathy_mean: float = param(
        0.35,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="assumed: below compassion (taking the side of those who fled asks more than "
        "helping them); article: 'we would all have fled to Russia'",
        description="Mean empathy (Beta distributed).",
    )
    contact_gain: float = param(
        0.08,
        ge=0.0,
        le=1.0,
        unit="attitude per day",
        evidence="assumed: a month with a guest of good quality (0.5 above the threshold) moves the "
        "host's disposition by 1.2 on the atanh scale; article: 'we argued all night and "
        "now we are starting to live a new life together'",
        description="Daily change of a host household's disposition, per unit of quality above "
        "the threshold; other kinds of contact count as shares of it (0 switches contact off).",
    )
    coworker_contact: float = param(
        0.3,
        ge=0.0,
        le=5.0,
        unit="hosting-equivalents",
        evidence="assumed: a colleague is met daily but less closely than a guest at home",
        description="Contact of an employed local, per unit of the migrant share of the town's "
        "workers, relative to hosting.",
    )
    landlord_contact: float = param(
        0.2,
        ge=0.0,
        le=5.0,
        unit="hosting-equivalents",
        evidence="assumed: a landlord meets a tenant at handovers and over repairs",
        description="Contact of a landlord letting to a migrant party, relative to hosting.",
    )
    neighbour_contact: float = param(
        0.2,
        ge=0.0,
        le=5.0,
        unit="hosting-equivalents",
        evidence="assumed: neighbours share a stairwell and a yard",
        description="Contact of a household per unit of the share of the town's rental units "
        "let to migrants, relative to hosting.",
    )
    everyday_contact: float = param(
        1.0,
        ge=0.0,
        le=5.0,
        unit="hosting-equivalents",
        evidence="assumed: shops, buses and queues; in proportion to the arrivals' share",
        description="Everyday encounters of any household, per unit of the arrivals' share of "
        "residents, relative to hosting. Town-level contact (everyday, neighbours, colleagues) "
        "counts beyond the first day's level, which the surveyed attitudes already hold.",
    )
    contact_quality_threshold: float = param(
        0.3,
        ge=-1.0,
        le=1.0,
        unit="quality",
        evidence="assumed: encounters below 0.3 on the [0, 1] quality scale go badly; Flache 2018 "
        "for the mechanism (contact backfires when encounters go badly)",
        description="Contact of quality below this worsens attitudes (backfire).",
    )
    ties: int = param(
        8,
        ge=1,
        le=50,
        unit="neighbours",
        evidence="assumed: a small personal network",
        description="Neighbours per household in the influence network (within the town).",
    )
    messages_per_day: float = param(
        0.25,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: the arrivals come up in conversation every few days",
        description="Chance a household hears a neighbour's view on a given day.",
    )
    influence_rate: float = param(
        0.2,
        ge=0.0,
        le=1.0,
        unit="per message",
        evidence="Lorenz, Neumann & Schröder 2021 (alpha)",
        description="Weight of a neighbour's message.",
    )
    influence_lambda: float = param(
        0.5,
        gt=0.0,
        le=2.0,
        unit="attitude",
        evidence="Lorenz et al. 2021 (lambda)",
        description="Latitude of acceptance: messages further away persuade less.",
    )
    influence_k: float = param(
        2.0,
        ge=0.5,
        le=10.0,
        unit="exponent",
        evidence="Lorenz et al. 2021 (k)",
        description="Sharpness of the latitude of acceptance.",
    )
    influence_eta: float = param(
        0.9,
        ge=0.0,
        le=1.0,
        unit="mix",
        evidence="Lorenz et al. 2021 (eta)",
        description="0: pure contagion, 1: information integration.",
    )
    negativity_bias: float = param(
        1.5,
        ge=1.0,
        le=5.0,
        unit="multiplier",
        evidence="assumed: negative messages persuade half again as much as positive ones; article: "
        "Kazakhs 'spread many negative reactions ... on social media'",
        description="Negative messages persuade this many times more than positive ones.",
    )
    cross_group_credibility: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="multiplier",
        evidence="assumed: a neighbour of the other language group is half as credible; Lorenz et "
        "al. 2021 for the mechanism (lower credibility across groups)",
        description="Credibility of a neighbour of the other language group.",
    )
    hostile_threshold: float = param(
        -0.3,
        ge=-1.0,
        le=0.0,
        unit="attitude",
        evidence="assumed: clearly negative",
        description="Households below this are counted hostile.",
    )
    welcoming_threshold: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="attitude",
        evidence="assumed: clearly positive",
        description="Households above this are counted welcoming.",
    )
    owner_rent_factor: float = param(
        0.3,
        ge=-1.0,
        le=1.0,
        unit="share of a renter's rent threat",
        evidence="assumed: an owner pays no rent but sees it rise for the children and relatives "
        "who rent; about a third of what a renter feels",
        description="Share of the rent threat an owner household feels (renters and students "
        "feel all of it).",
    )
    landlord_rent_factor: float = param(
        -0.5,
        ge=-1.0,
        le=1.0,
        unit="share of a renter's rent threat",
        evidence="assumed: a landlord gains from a rise, so it warms him; half as strongly as it "
        "threatens a renter, as he still sees it hurt his tenants and neighbours",
        description="Share of the rent threat a landlord household feels (negative: a rise "
        "makes him warmer towards the arrivals).",
    )
    displaced_rent_threat: float = param(
        1.5,
        ge=0.0,
        le=5.0,
        unit="multiple of rent_weight",
        evidence="assumed: losing one's lease is felt more than the full threat of a rise; half "
        "again as much",
        description="Rent threat of a household displaced by the arrivals (whatever the rents), "
        "in multiples of the rent weight.",
    )
    employed_job_threat: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="share of a seeker's job threat",
        evidence="assumed: a worker in a job fears for it, but less than a seeker competing for "
        "one; about a third",
        description="Job threat felt by a household whose earner has a job, as a share of what "
        "an unemployed earner feels (students feel none).",
    )
    price_threat_cap: float = param(
        2.0,
        ge=1.0,
        le=10.0,
        unit="multiple of the mean household's price threat",
        evidence="assumed: the price threat grows with the square root of how much poorer than "
        "the town's mean a household is, up to twice the mean household's",
        description="Most a poor household's price threat can exceed the threat of a household "
        "at its town's mean income.",
    )
    contact_quality_neutral: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="quality",
        evidence="assumed: an encounter in which effort and disrespect balance is of middling "
        "quality, half-way up the [0, 1] scale the threshold is set on",
        description="Quality of a contact whose migrant's integration effort equals his "
        "disrespect.",
    )
    contact_quality_slope: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="quality per unit of effort minus disrespect",
        evidence="assumed: effort and disrespect move quality by half their difference, so "
        "quality spans [0, 1] over their range (Allport's conditions, unweighted)",
        description="How much a contact's quality rises with the migrant's integration effort "
        "minus his disrespect.",
    )
    prior_limit: float = param(
        3.0,
        gt=0.0,
        le=10.0,
        unit="disposition (atanh of attitude)",
        evidence="assumed: contact may push a disposition to tanh(3) = 0.995 of the attitude "
        "scale and no further, so later perceptions and contact can still move it back",
        description="Contact keeps a household's disposition within plus or minus this.",
    )
    initial_limit: float = param(
        0.95,
        gt=0.0,
        lt=1.0,
        unit="attitude",
        evidence="assumed: no household starts at an end of the scale (at 0.95 the disposition "
        "is atanh 1.83, within prior_limit)",
        description="Initial attitudes are clipped to plus or minus this.",
    )
    trait_concentration: float = param(
        4.0,
        gt=0.0,
        le=100.0,
        unit="Beta a + b",
        evidence="assumed: a broad spread of traits (a + b = 4: a trait of mean 0.5 has a "
        "standard deviation of 0.22)",
        description="Concentration of the Beta distributions of host households' compassion "
        "and empathy around their means (higher: more alike).",
    )
