"""Seed scenarios of the fashion domain, written by us, grouped by the reasons of paper 3.2.1.
Self-instruct expands them; these only set the tone and the spread of reasons."""

SEED_SCENARIOS: dict[str, list[str]] = {
    "worn-out": [
        "Replacing a pair of everyday shoes whose soles have worn through",
        "Replacing a favourite jacket after its zipper finally broke",
        "Replacing work trousers that have faded and frayed at the hems",
        "Replacing a handbag whose straps have cracked after years of use",
    ],
    "work": [
        "Starting a new office job with a business-casual dress code",
        "Preparing for a job interview at a law firm",
        "Needing comfortable shoes for long shifts on a hospital ward",
        "Presenting at a client meeting for the first time",
        "Working outdoors on a construction site through the autumn",
    ],
    "season": [
        "Getting ready for the first cold snap of winter",
        "Refreshing a wardrobe for a hot and humid summer",
        "Preparing for a rainy spring of commuting on foot",
        "Packing for an autumn trip to the mountains",
    ],
    "trend": [
        "Trying the colour-block look seen all over social media this season",
        "Updating a wardrobe with minimalist pieces after a closet clear-out",
        "Experimenting with vintage-inspired outfits for weekend markets",
        "Wanting to try bolder accessories to refresh simple outfits",
    ],
    "sports": [
        "Sports need: training for a first half marathon",
        "Sports need: joining a weekly yoga class",
        "Sports need: a weekend hiking trip in the hills",
        "Sports need: starting tennis lessons at a local club",
        "Sports need: a beginner's swimming course at the community pool",
        "Sports need: cycling to work every day",
    ],
    "gifts": [
        "Buying a birthday gift for a teenage niece",
        "Buying an anniversary gift for a spouse",
        "Buying a retirement gift for a father",
        "Buying a graduation gift for a best friend",
        "Buying a holiday gift for a colleague in a gift exchange",
        "Buying a Mother's Day gift for a grandmother",
    ],
    "attend": [
        "Attending a friend's summer wedding as a guest",
        "Attending a formal company gala dinner",
        "Attending a child's school graduation ceremony",
        "Attending a music festival over a long weekend",
        "Attending a family reunion at a beach house",
        "Attending a first date at a nice restaurant",
    ],
    "celebrate": [
        "Celebrating a promotion at work with a night out",
        "Celebrating a first marathon finish",
        "Celebrating a thirtieth birthday with friends",
        "Celebrating moving into a first apartment",
        "Celebrating a wedding anniversary with a weekend away",
    ],
}
