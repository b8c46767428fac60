"""The Info tab, in the order NetLogo's Info tab has taught teachers to expect, written for exodus."""

INFO_MARKDOWN = """
## WHAT IS IT?

In 2022 hundreds of thousands of Russians crossed into Kazakhstan and Kyrgyzstan: first the
*relocants* who left after the invasion of Ukraine, then, after the mobilisation order of
21 September, a far larger wave of men escaping the draft. This model follows six host towns
(Uralsk, Petropavlovsk, Astana, Almaty, Karaganda and Bishkek) day by day and asks how hospitality
and hostility grow out of rent, jobs, prices and contact between hosts and newcomers.

## HOW IT WORKS

Each agent is a local household or a migrant party (one agent stands for fifty real ones at this
classroom scale). Every day, in this order:

1. **Flows**: new parties arrive on the observed schedule, by road at the border towns and by air
   in the cities; some pass through to
   other towns or countries, some go home once the mobilisation is over.
2. **Housing**: newcomers and local renters bid for flats they can afford; a flat with several
   bidders goes for more than its ask, and flats left empty are offered for less; owners let
   spare rooms when rents are high and take them back when they stand empty; a local renter who
   cannot pay the new rent and finds nothing cheaper is *displaced* (moves in with family) until a
   flat it can afford comes up; compassionate owners offer free beds; shelters take the rest.
3. **Jobs** and **prices**: newcomers' spending makes work in shops, cafes and taxis, and
   newcomers who need work compete with locals for it; when the newcomers leave, their jobs go with
   them. A local who loses a job loses much of the household's income; wages offered fall when
   there are many seekers per job. Food and alcohol prices follow the extra demand.
4. **Attitudes**: each household weighs threats against compassion and empathy. A threat is what
   rose beyond what it expected (rents and prices were rising anyway), its job, disrespect it sees,
   fear, a flight it judges illegitimate; and it gets used to a threat that holds steady, so
   attitudes can ease once the newcomers leave. Compassion grows with the need it sees (newcomers
   with no bed); empathy with how legitimate it thinks their flight is. Meeting newcomers changes
   it: living with a guest most, then letting a flat to them, working beside them, living next door
   and meeting them in the street, for the better when contact goes well, for the worse when it goes
   badly. Neighbours talk, and negative stories persuade more than positive ones.
5. **Collective action**: where enough households are hostile, pickets start, and a picketed town
   draws fewer newcomers; if the country's pressure to close the border stays high long enough, a
   government that tolerates little of it caps entries. Where enough are welcoming, aid starts and
   finds free beds for newcomers who have none. The **tension index** (0 to 1) is read from today's
   town: hostility, readiness to picket, locals displaced now and newcomers without a bed, the
   pressure to close the border and the town's background stress, so it falls when they do.

## HOW TO USE IT

- Choose a **scenario** at the top of the left panel: each one asks a question (its description
  says which). The sliders then start at that scenario's values.
- Press **Step** to simulate one day, **▶ Play** to play and **❚❚ Pause** to pause. *Speed* is the
  pause between days while playing. The line under the buttons says whether the run is ready,
  playing, paused or finished; a finished run starts again with **Reset** or another scenario.
- Move a **slider** (or tick a policy box, or type a **seed**), then press **Reset**: a new run
  starts from the scenario's first day with the new values. Each slider's value and unit are
  written beside it; a slider moved since the run started is marked "changed: press Reset".
  Hover over a slider's name, or open the *What the sliders do* tab, for what each one means
  and the range the model accepts.
- Compare runs: after **Reset** (or another scenario) the previous run's curves stay on the
  charts, faded, with its name above them; tick *keep it for the next runs* to keep comparing
  with that one, and **Clear the faded curves** to remove them.
- Read the curves: the **rent index** is what a renter would pay now in each town (the asks of
  the flats on offer and the rents of the last two weeks' lets) relative to its first day;
  the **tension index** runs from 0 (calm) to 1. Dashed vertical lines mark the mobilisation
  order (21 September) and the start of each policy. On the map, a circle's size is the number of
  migrants present and its colour the town's tension, pale (calm) to dark red (tense); towns that
  are close together are drawn a little apart so their circles never overlap.
- The numbers beside the map are those of the day on screen: locals displaced (today and in
  total), hostile and welcoming households, mean and highest tension, unemployment, the peak
  rent so far, newcomers hosted for free and without a bed.
- **Download the run so far** saves the numbers (one row per town per day) as a CSV file, in the
  same format as `exodus run` writes.

## THINGS TO NOTICE

- Nothing much happens until late September: watch what the mobilisation wave does to rents in
  the two border towns, Uralsk and Petropavlovsk, within a few days.
- Tension jumps with the rents and eases after the departures: which of its parts come down
  first, and which stay?
- Bishkek's tension never falls to zero even though its rents barely move: it carries its own
  background stress (`exodus explain towns.Bishkek.background_stress`).
- Two runs with different seeds are not identical. At this small scale one agent stands for
  fifty households, so compare runs by their shape, not by the last decimal.

## THINGS TO TRY

- Tick **Rent cap from 26 Sep** and press Reset. Do fewer locals lose their flats? What happens to
  tension, and to newcomers without a bed?
- Set **Second-wave size** to 0: a world without the mobilisation. How much of the story is left?
- Tick **Host families from 23 Sep** and raise the stipend. Who benefits, and where?
- Raise **Contact quality needed**: contact that goes badly now worsens attitudes. Then raise
  **Compassion** instead. Which matters more for tension?
- Raise the **Negativity bias**: what does gossip that favours bad news do?
- Pick the `low_tolerance` scenario: a government that gives in to the pickets caps entries. When
  does it act, and where do the newcomers go instead? Then `no_contact` and `stronger_aid`: how much
  of the warmth comes from meeting the newcomers, and how many more does aid take in?

## EXTENDING THE MODEL

- Every input lives in a scenario file (`scenarios/*.yaml`); write your own with `extends:` and run
  it here with `exodus app my_scenario.yaml`, or in full with `exodus run`.
- Policies can be combined and dated: an entry cap, shelters, a stay limit, integration courses, an
  information campaign, local-hire protection (`exodus schema` lists them).
- Each mechanism is one Python module in `src/exodus/model/`: a different rent rule or a new
  reason for hostility is one file to change.
- Ideas: let migrants open businesses that hire locals; let news from Russia change the flows; give
  each town its own social-media climate.

## CREDITS AND REFERENCES

exodus is written by the exodus developers, Apache License 2.0. Its story comes from a published
article on the reception of Russians in Kazakhstan and Kyrgyzstan in 2022 (the copy in `seeds/`);
its numbers from the observed figures in `data/observed_2022.csv`; every parameter names its
evidence (`exodus explain`). Mechanisms borrow from Epstein's civil-violence model (pickets), the
FLEE refugee model (route choice), Lorenz, Neumann and Schröder (2021, opinion dynamics) and
Allport's contact hypothesis. The page is built with Mesa and Solara.

**How to cite**: exodus developers (2026). *exodus: an agent-based model of the 2022 flight of
Russians into Kazakh and Kyrgyz towns*, version 0.1.0 (see `CITATION.cff`).
"""
