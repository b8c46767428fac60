"""The scenario schema: every input of a run, with bounds, units and the evidence for each default.

A scenario file is the only way into the model. Unknown keys are rejected, every number is bounded,
and every parameter carries `unit` and `evidence` metadata: an article phrase ("article: ..."), a row
id of `data/observed_2022.csv` ("F15"), or "assumed: <reason>". `exodus explain` prints them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

CALIBRATION = "ABC on targets C1-C6 of experiments/calibration_2022.yaml"
"""Where a calibrated default comes from (docs/calibration.md; the shipped run is in
docs/calibration/calibration_2022)."""

OUTSIDE_NODES = ("Russia", "Onward")
"""Nodes outside the modelled towns: the origin (and return) country, and onward countries."""

COUNTRIES = ("KZ", "KG")


def param(
    default: Any,
    *,
    unit: str,
    evidence: str,
    description: str,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> Any:
    """A bounded parameter with its unit and evidence, shown by `exodus explain`."""
    return Field(
        default,
        ge=ge,
        le=le,
        gt=gt,
        lt=lt,
        description=description,
        json_schema_extra={"unit": unit, "evidence": evidence},
    )


class Strict(BaseModel):
    """Base of every schema block: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
DailyKnots = list[tuple[dt.date, Annotated[float, Field(ge=0.0, le=1_000_000.0)]]]


class Town(Strict):
    """One host town: its people, housing stock, labour market and prices at the scenario's start."""

    enabled: bool = Field(True, description="False leaves the town out of the run.")
    country: Literal["KZ", "KG"] = Field(description="Country code: KZ Kazakhstan, KG Kyrgyzstan.")
    border: bool = param(
        False,
        unit="flag",
        evidence="article: 'crossed the borders of Kazakhstan ... Uralsk and Petropavlovsk'",
        description="True for a town at a land crossing from Russia (a border town).",
    )
    lat: float = param(
        0.0,
        ge=-90,
        le=90,
        unit="degrees",
        evidence="assumed: public map coordinates of the town centre (map only)",
        description="Latitude, for the map.",
    )
    lon: float = param(
        0.0,
        ge=-180,
        le=180,
        unit="degrees",
        evidence="assumed: public map coordinates of the town centre (map only)",
        description="Longitude, for the map.",
    )
    population: int = param(
        100_000,
        ge=1_000,
        le=10_000_000,
        unit="persons",
        evidence="F27",
        description="Resident population.",
    )
    household_size: float = param(
        3.0,
        ge=1.0,
        le=8.0,
        unit="persons/household",
        evidence="F29",
        description="Mean persons per local household.",
    )
    renter_share: float = param(
        0.132,
        ge=0.0,
        le=0.9,
        unit="share of households",
        evidence="F29 (100% - 86.8% owners)",
        description="Share of local households that rent their home.",
    )
    rental_vacancy_rate: float = param(
        0.03,
        ge=0.0,
        le=0.5,
        unit="share of rental units",
        evidence="assumed: a tight pre-shock market (F21: rents +12.4% in August alone)",
        description="Share of the rental stock vacant and listed on the first day.",
    )
    short_stay_beds_per_1000: float = param(
        4.0,
        ge=0.0,
        le=100.0,
        unit="beds per 1000 residents",
        evidence="assumed: hotels, hostels and daily flats; F20 and F11 report them full within days",
        description="Short-stay beds (hotels, hostels, daily flats).",
    )
    shelter_beds: int = param(
        0,
        ge=0,
        le=100_000,
        unit="beds",
        evidence="F11 (Uralsk: ~200 in a cinema, a 100-bed camp)",
        description="Emergency shelter beds open from the first day.",
    )
    rent_1room: float = param(
        100_000.0,
        gt=0,
        le=10_000_000,
        unit="local currency/month",
        evidence="F15, F18, F19, F20",
        description="Average asking rent of a one-room flat on the first day.",
    )
    per_capita_income: float = param(
        130_616.0,
        gt=0,
        le=10_000_000,
        unit="local currency/month",
        evidence="F25",
        description="Per-capita money income; a household's income is this times its size.",
    )
    unemployment_rate: float = param(
        0.049,
        ge=0.0,
        le=0.5,
        unit="share of labour force",
        evidence="F26",
        description="Unemployment among local households' earners on the first day.",
    )
    russian_speaking_share: float = param(
        0.155,
        ge=0.0,
        le=1.0,
        unit="share of households",
        evidence="F28 (ethnic Russian share)",
        description="Share of households of Russian language and culture.",
    )
    background_stress: float = param(
        0.0,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="article: 'we also have our problems, they attack us from Tajikistan' (Bishkek)",
        description="Town-level stress unrelated to the arrivals; adds to tension and hostility.",
    )
    initial_relocants: int = param(
        0,
        ge=0,
        le=2_000_000,
        unit="persons",
        evidence="F13 (130,000 Russian citizens resident in KZ by April), F14 for KG",
        description="First-wave relocants already present on the first day.",
    )
    crossing_share: float = param(
        0.0,
        ge=0.0,
        le=1.0,
        unit="share of the country's entries",
        evidence="F08 (Uralsk's region: 50,928 of about 150,000 KZ entries over 20-30 Sep)",
        description="Share of the country's entries from Russia that arrive in this town.",
    )


class Route(Strict):
    """A link between two places with its travel time; migrants move along routes."""

    a: str = Field(description="One end: a town name, 'Russia' or 'Onward'.")
    b: str = Field(description="The other end.")
    days: int = param(
        1,
        ge=1,
        le=30,
        unit="days",
        evidence="assumed: road and air travel times from public maps and timetables",
        description="Travel days along the route.",
    )


class Wave(Strict):
    """Traits of one migrant wave, drawn per arriving party."""

    party_size: float = param(
        1.3,
        ge=1.0,
        le=6.0,
        unit="persons/party",
        evidence="F33, F35",
        description="Mean persons per migrant party (a single man or a family).",
    )
    remote_income_share: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="share of parties",
        evidence="F34",
        description="Parties living on a remote salary.",
    )
    needs_work_share: float = param(
        0.4,
        ge=0.0,
        le=1.0,
        unit="share of parties",
        evidence="F35",
        description="Parties that need a local job (the rest live on savings).",
    )
    remote_income: float = param(
        3.0,
        ge=0.0,
        le=50.0,
        unit="months of the town's initial rent per month",
        evidence="F33, F34 (IT salaries); assumed ratio to rent",
        description="Monthly remote salary, in multiples of the town's initial one-room rent.",
    )
    savings: float = param(
        4.0,
        ge=0.0,
        le=120.0,
        unit="months of the town's initial rent",
        evidence="assumed: a few months' reserve",
        description="Mean savings on arrival (exponentially distributed).",
    )
    integration_effort: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="article: relocants 'asking the locals for advice', join 'joint protest actions'",
        description="Mean effort to fit in (Beta distributed); raises contact quality.",
    )
    disrespect: float = param(
        0.2,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="article: deserters consider locals 'a band of nomads'",
        description="Mean disrespect shown to hosts (Beta distributed); observed by hosts.",
    )
    legitimacy: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="article: 'not fleeing from war but from recruitment'",
        description="How legitimate hosts judge this wave's flight; low legitimacy is a threat.",
    )
    transit_share: float = param(
        0.0,
        ge=0.0,
        le=1.0,
        unit="share of parties",
        evidence="F09 (40,000 left KZ onward within the first days); the second wave's value is "
        f"calibrated ({CALIBRATION}, prior 0.5-0.9)",
        description="Parties that only pass through the country of entry.",
    )


WAVE_DEFAULTS: dict[str, dict[str, float]] = {
    "relocant": {
        "party_size": 1.6,
        "remote_income_share": 0.45,
        "needs_work_share": 0.25,
        "remote_income": 3.0,
        "savings": 6.0,
        "integration_effort": 0.7,
        "disrespect": 0.1,
        "legitimacy": 0.65,
        "transit_share": 0.1,
    },
    "mobilised": {
        "party_size": 2.0,
        "remote_income_share": 0.15,
        "needs_work_share": 0.55,
        "remote_income": 2.0,
        "savings": 2.5,
        "integration_effort": 0.3,
        "disrespect": 0.35,
        "legitimacy": 0.3,
        "transit_share": 0.67,
    },
}
"""Each wave's own defaults; a scenario's partial wave block is merged over these."""


class Flows(Strict):
    """Arrivals at the crossings, transit, onward moves and returns."""

    mobilisation_date: dt.date = param(
        dt.date(2022, 9, 21),
        unit="date",
        evidence="F38",
        description="Day of the mobilisation order: arrivals from then on are the second wave.",
    )
    mobilisation_end: dt.date = param(
        dt.date(2022, 10, 28),
        unit="date",
        evidence="F38",
        description="Day the mobilisation was declared complete: returns start after it.",
    )
    relocant_per_day: dict[Literal["KZ", "KG"], Annotated[float, Field(ge=0, le=100_000)]] = param(
        {"KZ": 1500.0, "KG": 400.0},
        unit="persons/day",
        evidence="F12, F14 (first-wave pace, slower by September: assumed a third of spring's)",
        description="Daily first-wave arrivals per country, before and after the order.",
    )
    mobilised_schedule: dict[Literal["KZ", "KG"], DailyKnots] = param(
        {"KZ": [], "KG": []},
        unit="persons/day (knots, linear between)",
        evidence="F02, F03, F04, F05, F06, F07; after 4 Oct assumed",
        description="Second-wave entries per day per country, linear between dated knots.",
    )
    mobilised_scale: float = param(
        1.0,
        ge=0.0,
        le=5.0,
        unit="multiplier",
        evidence="assumed: 1 reproduces F03, F06",
        description="Multiplies the second wave's schedule (0: a world without the mobilisation).",
    )
    relocant: Wave = Field(
        default_factory=lambda: Wave(**WAVE_DEFAULTS["relocant"]),
        description="The first wave ('relokanty'): young, liberal, often remote IT workers.",
    )
    mobilised: Wave = Field(
        default_factory=lambda: Wave(**WAVE_DEFAULTS["mobilised"]),
        description="The second wave (mobilisation 'deserters'): younger, male, poorer (F35); men "
        "travelled by car in twos and threes and shared flats (party_size, assumed); three in four "
        "left again within days (transit_share: F06 147,000 exits for 200,000 entries, F09).",
    )

    @field_validator("relocant", "mobilised", mode="before")
    @classmethod
    def _over_wave_defaults(cls, value: Any, info: ValidationInfo) -> Any:
        """A scenario that sets some traits of a wave keeps that wave's defaults for the rest
        (not the generic Wave defaults)."""
        if isinstance(value, dict):
            return {**WAVE_DEFAULTS[info.field_name], **value}
        return value

    transit_days: int = param(
        1,
        ge=1,
        le=30,
        unit="days",
        evidence=f"F11 ('most stayed 1-2 days'); calibrated ({CALIBRATION}, prior 1-4)",
        description="Days a transit party stays before leaving onward.",
    )
    transit_to_kyrgyzstan: float = param(
        0.35,
        ge=0.0,
        le=1.0,
        unit="share of KZ transit",
        evidence="F09 (overland to KG and UZ)",
        description="Share of transit through Kazakhstan that heads on to Bishkek.",
    )
    move_probability: float = param(
        0.01,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: FLEE's town move rate (0.3) is for war zones; settlers move rarely",
        description="Daily chance that a settled party reconsiders its town.",
    )
    unhoused_move_probability: float = param(
        0.15,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: the unhoused look elsewhere fast",
        description="Daily chance that a party without a bed moves on.",
    )
    distance_power: float = param(
        1.5,
        ge=0.0,
        le=4.0,
        unit="exponent",
        evidence="FLEE route choice (distance power)",
        description="How strongly travel days discount a destination's attractiveness.",
    )
    full_threshold: float = param(
        0.9,
        ge=0.1,
        le=1.0,
        unit="share of capacity",
        evidence="FLEE capacity multiplier",
        description="Attractiveness falls linearly to 0 between this share of capacity and full.",
    )
    return_hazard: float = param(
        0.004,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: a slow trickle home after the mobilisation ended (F38)",
        description="Daily chance that a second-wave party returns once the mobilisation is over.",
    )
    living_cost: float = param(
        0.5,
        ge=0.0,
        le=10.0,
        unit="months of the town's initial rent per month",
        evidence="assumed: food and transport for one person",
        description="Monthly living costs besides housing, per person.",
    )


class Housing(Strict):
    """Short stays, leases, asking rents, renewals, displacement, free hosting and shelters."""

    bid_up_per_rival: float = param(
        0.075,
        ge=0.0,
        le=0.5,
        unit="share of the ask per extra bidder",
        evidence="INET / Bank of England housing model: an offer with several bids is bid up by "
        "7.5% per extra round",
        description="How much a listing's rent rises above its ask for each bidder beyond the "
        "first (never above what the richest bidder can pay).",
    )
    ask_cut_per_month: float = param(
        0.106,
        ge=0.0,
        le=1.0,
        unit="probability per month",
        evidence="INET / Bank of England housing model: a vacant unit's ask is cut each month with "
        "probability 0.106",
        description="Chance that the owner of a listing still vacant cuts its ask, per month.",
    )
    ask_cut_median: float = param(
        0.05,
        ge=0.0,
        le=0.5,
        unit="share of the ask",
        evidence="assumed: the INET model draws the cut from a log-normal; about 5% is its median "
        "price reduction",
        description="Median size of an ask cut (log-normal with sigma 0.6).",
    )
    vacancy_discount: float = param(
        2.0,
        ge=0.0,
        le=10.0,
        unit="share of rent per share of excess vacancy",
        evidence="PolicySpace2: rents are discounted by max(1 - 2 x vacancy rate, 0.6); here the "
        "vacancy above the town's usual level",
        description="How much listers discount their asks for each point of vacancy above the "
        "town's frictional level (they price against the empty flats they see).",
    )
    vacancy_discount_floor: float = param(
        0.6,
        ge=0.1,
        le=1.0,
        unit="share of rent",
        evidence="PolicySpace2: the vacancy discount never takes a rent below 0.6 of its level",
        description="Deepest vacancy discount.",
    )
    market_window_days: int = param(
        14,
        ge=1,
        le=60,
        unit="days",
        evidence="assumed: listers look at about two weeks of lets; INET averages a month of "
        "transactions in its monthly step",
        description="Days of lets that the rent index and listers' going rent average over.",
    )
    stock_reservation: float = param(
        0.5,
        ge=0.0,
        le=2.0,
        unit="share of the trend rent",
        evidence="INET / Bank of England housing model: an ask is never cut below half",
        description="Lowest ask of a unit of the usual rental stock, relative to its rent at the "
        "background trend.",
    )
    spare_reservation: float = param(
        1.0,
        ge=0.0,
        le=3.0,
        unit="share of the trend rent",
        evidence="assumed: an owner who let a spare room or second flat only because rents jumped "
        "takes it back rather than let it below the usual rent",
        description="Ask below which the owner of a spare unit withdraws it (own use, short "
        "stays), relative to its rent at the background trend.",
    )
    vacancy_restore_rate: float = param(
        0.1,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: owners make up a shortfall of listings below the usual vacancy within "
        "about ten days, as the pre-shock market kept its vacancy while the first wave arrived",
        description="Share of a town's shortfall of vacant listings, below its usual vacancy, "
        "that owners list each day.",
    )
    withdrawal_rate: float = param(
        0.1,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: an owner whose spare unit no longer pays decides within about ten days",
        description="Daily chance that a vacant spare unit asking below its owner's reservation "
        "is withdrawn.",
    )
    rent_trend_per_year: float = param(
        0.318,
        ge=-0.5,
        le=2.0,
        unit="per year",
        evidence="F21 (+31.8% a year to August)",
        description="Background rent inflation, present with or without arrivals.",
    )
    markup_sigma: float = param(
        0.25,
        ge=0.0,
        le=1.0,
        unit="log-normal sigma",
        evidence="INET housing model (mark-ups drawn from listing data); assumed width",
        description="Spread of units' asking rents around the town's market rent.",
    )
    listing_response: float = param(
        0.1071,
        ge=0.0,
        le=2.0,
        unit="share of owners per month per unit rent rise",
        evidence=f"F15 (calibrated: {CALIBRATION}, prior 0.02-0.5); spare rooms and second flats "
        "come onto the market as rents jump",
        description="Owners who list a unit each month, per unit of rent rise above the trend.",
    )
    local_lease_months: float = param(
        12.0,
        ge=1.0,
        le=36.0,
        unit="months",
        evidence="INET / Bank of England housing model: tenancies last 12-24 months (its lower end, "
        "for informal leases)",
        description="Length of a lease, local or migrant; renewal is at the going ask.",
    )
    rent_burden_threshold: float = param(
        0.5,
        ge=0.1,
        le=1.0,
        unit="share of household income",
        evidence="assumed: above Gilbert's 33% budget, where people give up their flat",
        description="A local renter facing a renewal rent above this share of income moves out.",
    )
    rent_rise_tolerance: float = param(
        0.25,
        ge=0.0,
        le=2.0,
        unit="share of current rent",
        evidence="assumed: a household already above the threshold absorbs a rise of a quarter "
        "on average",
        description="Mean rise above the background trend that a renter already paying above the "
        "burden threshold can absorb; each household draws its own (exponential).",
    )
    displaced_search_rate: float = param(
        0.15,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: a household doubled up with family checks the listings about weekly",
        description="Daily chance that a displaced household looks for a lease again.",
    )
    student_share_of_renters: float = param(
        0.2,
        ge=0.0,
        le=1.0,
        unit="share of renters",
        evidence="article: 'students sleep on the street because they cannot pay the rent'",
        description="Share of renting households that are students.",
    )
    student_income_factor: float = param(
        0.3,
        ge=0.05,
        le=1.0,
        unit="share of mean household income",
        evidence="assumed: a stipend and part-time work",
        description="A student household's income relative to the town's mean household income.",
    )
    migrant_rent_share: float = param(
        0.6,
        ge=0.1,
        le=1.0,
        unit="share of monthly means",
        evidence="assumed: a newcomer pays more of his means for a roof than a settled renter",
        description="Share of a party's monthly means (income, or savings spread over 3 months) "
        "it will pay in rent.",
    )
    short_stay_price: float = param(
        2.0,
        ge=0.5,
        le=10.0,
        unit="daily price / (monthly rent / 30)",
        evidence="F11 (a camp bed at 2000 tenge a night); assumed hotels cost about twice a lease",
        description="Nightly short-stay price relative to a day of the town's asking rent.",
    )
    short_stay_response: float = param(
        0.03,
        ge=0.0,
        le=0.5,
        unit="log-price per day per share of beds",
        evidence="assumed: daily prices doubled within days of the beds filling (F20 hotels 100% "
        "full; rents 80,000 to 180,000)",
        description="How fast nightly short-stay prices move with the share of beds in use above "
        "or below the usual occupancy.",
    )
    short_stay_usual_use: float = param(
        0.6,
        ge=0.0,
        le=1.0,
        unit="share of beds",
        evidence="assumed: a typical hotel and hostel occupancy outside a shock",
        description="Share of short-stay beds in use at which nightly prices hold steady.",
    )
    short_stay_floor: float = param(
        0.5,
        ge=0.1,
        le=1.0,
        unit="share of the first day's price",
        evidence="assumed: below half its usual price a bed no longer covers its running costs",
        description="Lowest nightly short-stay price, relative to the first day's.",
    )
    lease_search_delay: int = param(
        2,
        ge=0,
        le=30,
        unit="days",
        evidence="F11 ('most stayed 1-2 days')",
        description="Days after arrival before a party looks for a lease.",
    )
    host_compassion_threshold: float = param(
        0.75,
        ge=0.0,
        le=1.0,
        unit="compassion [0, 1]",
        evidence="article: 'many welcome Russians into their homes for free'",
        description="Owner households with compassion above this and a welcoming attitude "
        "offer a free bed.",
    )
    hosting_offer_rate: float = param(
        0.02,
        ge=0.0,
        le=1.0,
        unit="per day",
        evidence="assumed: a willing household hears of a guest needing a bed about once in 50 days",
        description="Daily chance that a willing household actually offers its free bed.",
    )
    hosting_days: int = param(
        30,
        ge=1,
        le=365,
        unit="days",
        evidence="assumed: a month of hospitality",
        description="Longest free stay before the guest must find a lease.",
    )
    refusal_rate: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="probability",
        evidence="article: 'no whites allowed' signs 'in revenge'",
        description="Chance a hostile landlord with a grievance refuses a Russian tenant.",
    )


class Jobs(Strict):
    """Vacancies filled from local and migrant seekers."""

    separation_rate: float = param(
        0.0015,
        ge=0.0,
        le=0.1,
        unit="per day",
        evidence="assumed: about 4.5% of jobs turn over a month",
        description="Daily chance that a job ends, opening a vacancy.",
    )
    job_growth_per_year: float = param(
        0.0,
        ge=-0.5,
        le=0.5,
        unit="per year",
        evidence="assumed: a flat labour market",
        description="Net growth of jobs.",
    )
    migrant_hire_weight: float = param(
        0.7,
        ge=0.0,
        le=5.0,
        unit="relative chance",
        evidence="assumed: papers and language slow a newcomer; remote skills speed him",
        description="A migrant seeker's chance of a vacancy relative to a local's.",
    )


class Prices(Strict):
    """Food and alcohol price indices: baseline inflation plus the demand shock."""

    food_trend_per_year: float = param(
        0.231,
        ge=-0.5,
        le=2.0,
        unit="per year",
        evidence="F22 (food +23.1% a year)",
        description="Food inflation without the arrivals.",
    )
    alcohol_trend_per_year: float = param(
        0.118,
        ge=-0.5,
        le=2.0,
        unit="per year",
        evidence="F23 (alcohol and tobacco +11.8%)",
        description="Alcohol inflation without the arrivals.",
    )
    food_elasticity: float = param(
        0.4,
        ge=0.0,
        le=5.0,
        unit="index per unit demand shock",
        evidence="article: 'increased the price of rent and food'",
        description="Rise of the food index per unit of extra demand (migrants / residents).",
    )
    alcohol_elasticity: float = param(
        1.5,
        ge=0.0,
        le=10.0,
        unit="index per unit demand shock",
        evidence="article: 'and especially alcohol' (relative to food; no level source, see F23)",
        description="Rise of the alcohol index per unit of extra demand.",
    )
    adjustment_days: float = param(
        10.0,
        ge=1.0,
        le=365.0,
        unit="days",
        evidence="assumed: shops reprice within weeks",
        description="Time constant with which prices follow demand.",
    )


class Attitudes(Strict):
    """What moves a host household's attitude towards the arrivals, in [-1, 1]."""

    initial_mean: float = param(
        0.1,
        ge=-1.0,
        le=1.0,
        unit="attitude",
        evidence="F31 (59% neutral, 13% pro-Russia, 22% pro-Ukraine, Nov 2022)",
        description="Mean initial attitude of a Kazakh or Kyrgyz household.",
    )
    initial_sd: float = param(
        0.3,
        ge=0.0,
        le=1.0,
        unit="attitude",
        evidence="F31 (opinions spread)",
        description="Spread of initial attitudes.",
    )
    russian_speaking_bonus: float = param(
        0.2,
        ge=0.0,
        le=1.0,
        unit="attitude",
        evidence="F28; assumed kinship",
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
        evidence="Urselmans & Phelps 2018: perceived numbers drive threat; assumed half-point",
        description="Migrant share at which the arrivals are half-salient.",
    )
    rent_weight: float = param(
        1.0,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'students sleep on the street'",
        description="Weight of rent threat (renters feel it most).",
    )
    job_weight: float = param(
        0.5,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'there is no work here'",
        description="Weight of job-competition threat.",
    )
    price_weight: float = param(
        0.4,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'increased the price of rent and food'",
        description="Weight of price threat.",
    )
    disrespect_weight: float = param(
        0.8,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'they do not respect our culture'",
        description="Weight of observed disrespect.",
    )
    cultural_weight: float = param(
        0.3,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'they do not integrate with us'",
        description="Weight of cultural threat (low integration).",
    )
    security_weight: float = param(
        0.8,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'they will send the tanks to us'",
        description="Weight of security fear.",
    )
    legitimacy_weight: float = param(
        0.6,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'they are just cowards'",
        description="Weight of low legitimacy of the flight.",
    )
    grievance_weight: float = param(
        0.8,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: migrants 'treated as second-rate' in Russia",
        description="Weight of grievance.",
    )
    compassion_weight: float = param(
        2.0,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'the meaning of compassion and hospitality'",
        description="Weight of compassion.",
    )
    empathy_weight: float = param(
        1.0,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'if the situation were reversed ...'",
        description="Weight of empathy (perspective-taking).",
    )
    stress_weight: float = param(
        0.5,
        ge=0,
        le=5,
        unit="weight",
        evidence="article: 'we also have our problems'",
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
        evidence="article: 'many show compassion for those who arrive'",
        description="Mean compassion (Beta distributed).",
    )
    empathy_mean: float = param(
        0.35,
        ge=0.0,
        le=1.0,
        unit="index [0, 1]",
        evidence="article: 'we would all have fled to Russia'",
        description="Mean empathy (Beta distributed).",
    )
    contact_gain: float = param(
        0.08,
        ge=0.0,
        le=1.0,
        unit="attitude per day",
        evidence="article: 'we argued all night and now we are starting to live a new life together'",
        description="Daily attitude change of a household living with a guest, per unit quality.",
    )
    contact_quality_threshold: float = param(
        0.3,
        ge=-1.0,
        le=1.0,
        unit="quality",
        evidence="Flache 2018 (contact backfires when encounters go badly); assumed level",
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
        evidence="article: Kazakhs 'spread many negative reactions ... on social media'",
        description="Negative messages persuade this many times more than positive ones.",
    )
    cross_group_credibility: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="multiplier",
        evidence="Lorenz et al. 2021 (lower across groups)",
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


class Collective(Strict):
    """Pickets, calls to close the border and aid initiatives past thresholds of hostility and
    welcome; the tension index."""

    picket_threshold: float = param(
        0.1,
        ge=0.0,
        le=2.0,
        unit="net hostility",
        evidence="Epstein civil violence: active when grievance - risk x P(arrest) > 0.1",
        description="A household pickets when hostility x salience - risk aversion exceeds this.",
    )
    risk_aversion_mean: float = param(
        0.5,
        ge=0.0,
        le=2.0,
        unit="index",
        evidence="Epstein civil violence (uniform [0, 1])",
        description="Mean risk aversion (uniform on [0, 2 x mean]).",
    )
    protest_cost: float = param(
        0.2,
        ge=0.0,
        le=2.0,
        unit="attitude units",
        evidence="Epstein civil violence (risk aversion x arrest probability); assumed level",
        description="Perceived cost of protest, multiplied by each household's risk aversion.",
    )
    onset_share: float = param(
        0.05,
        ge=0.0,
        le=1.0,
        unit="share of households",
        evidence="assumed: pickets need a visible hostile minority to organise",
        description="Share of households ready to act before pickets (or aid) start in a town.",
    )
    turnout: float = param(
        0.01,
        ge=0.0,
        le=1.0,
        unit="share per day",
        evidence="assumed: few of those ready actually stand in a picket on a given day",
        description="Share of the ready who turn out on a given day.",
    )
    closure_threshold: float = param(
        0.1,
        ge=0.0,
        le=1.0,
        unit="share of households",
        evidence="article: 'it is better to close the borders'; assumed level",
        description="Share of households ready to protest at which calls to close the border "
        "are heard (an event; no automatic closure).",
    )
    picket_size: float = param(
        40.0,
        ge=1.0,
        le=10_000.0,
        unit="persons per picket",
        evidence="assumed: a small roadside picket",
        description="People in one picket.",
    )
    aid_threshold: float = param(
        0.5,
        ge=0.0,
        le=1.0,
        unit="attitude",
        evidence="article: 'humanitarian initiatives'",
        description="Attitude above which a compassionate household joins aid.",
    )
    tension_hostile_weight: float = param(
        0.45,
        ge=0,
        le=1,
        unit="weight",
        evidence="assumed: hostility is tension's core",
        description="Weight of hostile share in tension.",
    )
    tension_picket_weight: float = param(
        0.2,
        ge=0,
        le=1,
        unit="weight",
        evidence="article: 'organize pickets'",
        description="Weight of picketing in tension.",
    )
    tension_housing_weight: float = param(
        0.2,
        ge=0,
        le=1,
        unit="weight",
        evidence="article: 'cannot pay the rent'",
        description="Weight of displacement and unhoused.",
    )
    tension_stress_weight: float = param(
        0.15,
        ge=0,
        le=1,
        unit="weight",
        evidence="article: 'we also have our problems'",
        description="Weight of background stress in tension.",
    )


class PolicyBase(Strict):
    """A dated policy: it acts from `start` until the day before `end` (open-ended if no end)."""

    start: dt.date = Field(description="First day the policy acts.")
    end: dt.date | None = Field(None, description="Day the policy stops (exclusive); none: never.")
    towns: list[str] | Literal["all"] = Field(
        "all", description="Towns the policy applies to ('all', or a list of names)."
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> PolicyBase:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class EntryCap(PolicyBase):
    """Caps entries from Russia into the chosen towns; 0 closes the border."""

    kind: Literal["entry_cap"]
    max_per_day: float = param(
        0.0,
        ge=0,
        le=1_000_000,
        unit="persons/day per town",
        evidence="article: calls to 'close the borders'",
        description="Entries allowed per town and day (0: closed).",
    )


class RentCap(PolicyBase):
    """Caps asking and renewal rents at a multiple of each town's rent on the policy's first day."""

    kind: Literal["rent_cap"]
    max_increase: float = param(
        0.1,
        ge=0,
        le=5,
        unit="share over the rent on the start day",
        evidence="assumed: a typical emergency cap",
        description="Largest rise allowed over the rent of the start day.",
    )


class Shelters(PolicyBase):
    """Opens emergency shelter beds."""

    kind: Literal["shelters"]
    beds: int = param(
        500,
        ge=0,
        le=1_000_000,
        unit="beds per town",
        evidence="F10 (Almaty: tent camps ready), F11",
        description="Shelter beds opened in each chosen town.",
    )


class StayLimit(PolicyBase):
    """Limits a stay (such as 90 days in 180): parties over the limit leave or do a border run."""

    kind: Literal["stay_limit"]
    days: int = param(
        90,
        ge=1,
        le=365,
        unit="days",
        evidence="assumed: the 90-days-in-180 rule Kazakhstan adopted in 2023",
        description="Days allowed in the window.",
    )
    leave_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        evidence="assumed: no data on border runs; an even split",
        description="Share over the limit who leave; the rest do a "
        "border run and come back the same day.",
    )


class IntegrationCourse(PolicyBase):
    """Language and integration courses: raise migrants' integration effort each day."""

    kind: Literal["integration_course"]
    effort_gain: float = param(
        0.01,
        ge=0,
        le=1,
        unit="effort per day",
        evidence="Allport: support of authorities",
        description="Daily rise of present migrants' integration effort.",
    )


class InformationCampaign(PolicyBase):
    """An information campaign: raises how legitimate hosts judge the flight."""

    kind: Literal["information_campaign"]
    legitimacy_gain: float = param(
        0.2,
        ge=0,
        le=1,
        unit="legitimacy",
        evidence="F37 (the President: 'show care for them')",
        description="Rise of perceived legitimacy of both waves.",
    )


class LocalHireProtection(PolicyBase):
    """Local-hire protection: lowers migrants' chance of a vacancy."""

    kind: Literal["local_hire_protection"]
    migrant_hire_weight: float = param(
        0.2,
        ge=0,
        le=5,
        unit="relative chance",
        evidence="article: 'there is no work here'",
        description="Migrant hire weight while the policy acts.",
    )


class HostFamilyProgramme(PolicyBase):
    """A stipend for host families: lowers the compassion needed to offer a free bed."""

    kind: Literal["host_family_programme"]
    threshold_cut: float = param(
        0.3,
        ge=0,
        le=1,
        unit="compassion",
        evidence="assumed: a stipend covers the cost of a guest",
        description="How much the hosting compassion threshold drops.",
    )


Policy = Annotated[
    EntryCap
    | RentCap
    | Shelters
    | StayLimit
    | IntegrationCourse
    | InformationCampaign
    | LocalHireProtection
    | HostFamilyProgramme,
    Field(discriminator="kind"),
]


class Scenario(Strict):
    """A whole run's inputs: period, towns, routes, mechanisms' parameters and dated policies."""

    name: str = Field("scenario", min_length=1, max_length=100, description="Short name.")
    description: str = Field("", max_length=2000, description="The question this scenario asks.")
    start: dt.date = param(
        dt.date(2022, 9, 1),
        unit="date",
        evidence="F38 (the run opens in the month of the mobilisation order)",
        description="First simulated day.",
    )
    end: dt.date = param(
        dt.date(2022, 12, 31),
        unit="date",
        evidence="assumed: three months after the order; the data stop on 4 Oct (F06)",
        description="Last simulated day (inclusive).",
    )
    scale: float = param(
        0.01,
        gt=0.0,
        le=1.0,
        unit="agents per real household",
        evidence="assumed: 1/100 keeps a run to seconds; 1 is full scale",
        description="Agents per real household or migrant party; each agent weighs 1/scale.",
    )
    seed: int = Field(20220921, ge=0, le=2**63 - 1, description="Master seed of the run.")
    towns: dict[str, Town] = Field(description="Host towns by name.")
    routes: list[Route] = Field(default_factory=list, description="Links with travel days.")
    flows: Flows = Field(default_factory=Flows)
    housing: Housing = Field(default_factory=Housing)
    jobs: Jobs = Field(default_factory=Jobs)
    prices: Prices = Field(default_factory=Prices)
    attitudes: Attitudes = Field(default_factory=Attitudes)
    collective: Collective = Field(default_factory=Collective)
    policies: list[Policy] = Field(default_factory=list, description="Dated policies.")

    @field_validator("towns")
    @classmethod
    def _town_names(cls, towns: dict[str, Town]) -> dict[str, Town]:
        if not any(t.enabled for t in towns.values()):
            raise ValueError("at least one town must be enabled")
        for name in towns:
            if name in OUTSIDE_NODES:
                raise ValueError(f"'{name}' is reserved for a node outside the towns")
        return towns

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        known = set(self.towns) | set(OUTSIDE_NODES)
        for i, route in enumerate(self.routes):
            for end in (route.a, route.b):
                if end not in known:
                    raise ValueError(
                        f"routes.{i}: '{end}' is not a town nor one of {OUTSIDE_NODES}"
                    )
        for i, policy in enumerate(self.policies):
            if policy.towns != "all":
                for town in policy.towns:
                    if town not in self.towns:
                        raise ValueError(
                            f"policies.{i}.towns: '{town}' is not a town of this scenario "
                            f"(towns: {', '.join(self.towns)})"
                        )
        for country, knots in self.flows.mobilised_schedule.items():
            days = [d for d, _ in knots]
            if days != sorted(days):
                raise ValueError(f"flows.mobilised_schedule.{country}: dates must increase")
        return self

    def enabled_towns(self) -> dict[str, Town]:
        """The towns taking part in the run, in file order."""
        return {name: town for name, town in self.towns.items() if town.enabled}
