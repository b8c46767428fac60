"""Parameters of the housing market (`exodus.model.housing`): listings and their asks, bidding,
supply both ways, renewals and displacement, short stays, free hosting."""

from __future__ import annotations

from exodus.scenario.base import (
    CALIBRATION,
    Strict,
    param,
)


class Housing(Strict):
    """Listings and their asks, bidding, supply both ways, leases and renewals, displacement,
    short stays, free hosting."""

    bid_up_per_rival: float = param(
        0.1258,
        ge=0.0,
        le=0.5,
        unit="share of the ask per extra bidder",
        evidence=f"calibrated: {CALIBRATION} (prior 0.03-0.15; F15 among its targets); the INET / "
        "Bank of England housing model bids an offer with several bids up by 7.5% per extra "
        "round",
        description="How much a listing's rent rises above its ask for each bidder beyond the "
        "first (never above what the second richest bidder can pay).",
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
        evidence=f"calibrated: the baseline's value ({CALIBRATION}, prior 0.033-0.3; the data to "
        "4 Oct barely inform it); the schema's 0.1 is assumed: owners make up a shortfall of "
        "listings below the usual vacancy within about ten days, as the pre-shock market kept its "
        "vacancy while the first wave arrived",
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
        evidence="assumed: asking rents spread about the town's rent with sigma 0.25; the INET "
        "housing model for the mechanism (mark-ups drawn from listing data)",
        description="Spread of units' asking rents around the town's market rent.",
    )
    listing_response: float = param(
        0.05525,
        ge=0.0,
        le=2.0,
        unit="share of owners per month per unit rent rise",
        evidence=f"calibrated: {CALIBRATION} (prior 0.02-0.5; F15 among its targets); spare rooms and "
        "second flats come onto the market as rents jump",
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
        evidence="assumed: a fifth of renting households are students (university towns; no row "
        "measures it); article: 'students sleep on the street because they cannot pay the "
        "rent'",
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
        evidence=f"calibrated: the baseline's value ({CALIBRATION}, prior 0.4-0.8); the schema's "
        "0.6 is assumed: a newcomer pays more of his means for a roof than a settled renter",
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
        evidence="assumed: only the most compassionate households (above 0.75) take a stranger in "
        "for free; article: 'many welcome Russians into their homes for free'",
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
        evidence="assumed: half of the hostile landlords with a grievance refuse a Russian tenant; "
        "article: 'no whites allowed' signs 'in revenge'",
        description="Chance a hostile landlord with a grievance refuses a Russian tenant.",
    )
    savings_horizon_months: float = param(
        3.0,
        gt=0.0,
        le=60.0,
        unit="months",
        evidence="assumed: a party expects to wait out the mobilisation for a few months",
        description="A party spreads its savings over this many months when judging what rent "
        "it can pay for a lease.",
    )
    ask_cut_sigma: float = param(
        0.6,
        ge=0.0,
        le=3.0,
        unit="log-normal sigma",
        evidence="assumed: the INET model cuts by a log-normal percentage, whose width is "
        "not at hand; a wide one: one standard deviation makes a cut 1.8 times its median or "
        "1/1.8 of it",
        description="Spread of the size of one ask cut around ask_cut_median (log-normal, "
        "median ask_cut_median).",
    )
    ask_cut_max: float = param(
        0.9,
        gt=0.0,
        le=1.0,
        unit="share of the ask",
        evidence="assumed: no single cut takes more than 90% off an ask",
        description="Largest share of its ask a single cut takes off.",
    )
    short_stay_nights_paid: int = param(
        3,
        ge=1,
        le=60,
        unit="nights",
        evidence="assumed: a party takes a short-stay bed only if its savings pay a few nights "
        "(F11: most stayed 1-2 days)",
        description="Nights a party without a bed must be able to pay from its savings to take "
        "a free short-stay bed.",
    )
    full_use: float = param(
        0.95,
        gt=0.0,
        le=1.0,
        unit="share of beds in use",
        evidence="assumed: a reporting threshold; a few beds are always changing hands, so 95% "
        "in use is full",
        description="Short-stay or shelter beds count as full (an event in events.csv) from "
        "this share in use; it changes no behaviour.",
    )
    free_use: float = param(
        0.6,
        ge=0.0,
        le=1.0,
        unit="share of beds in use",
        evidence="assumed: a reporting threshold well below full_use, so a bed taken and freed "
        "every day does not log an event each day",
        description="Full beds count as free again (an event in events.csv) below this share "
        "in use; it changes no behaviour.",
    )
