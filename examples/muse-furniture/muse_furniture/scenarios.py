"""Seed scenarios of the furniture domain, written by us, grouped by why people furnish a home.
Self-instruct (muse_core/scenarios.py) expands them; these set the tone and the spread of reasons.

A note for offline runs: the offline engine's profile judge (plugins/offline/profile_match.py)
matches scenario words written for fashion ("work", "party", "guest", "gift"...) to clothing
types; furniture types are in none of its needs, so it has no opinion on them and such words
rule out no piece of furniture. tests/test_furniture_plugin.py checks that no seed does.
"""

SEED_SCENARIOS: dict[str, list[str]] = {
    "moving house": [
        "Moving into a first flat with bare rooms and a tight budget",
        "Downsizing from a family house to a two-bedroom apartment",
        "Relocating to a new city and furnishing a rented studio",
        "Moving in with a partner and merging two households into one living room",
        "Getting the keys to a first house with an empty dining room",
    ],
    "renovation": [
        "Finishing a loft conversion that needs furnishing",
        "Redoing a living room after new floors were laid",
        "Turning a spare bedroom into a reading nook",
        "Repainting the hallway and wanting it to feel welcoming",
        "Knocking through to an open-plan kitchen and dining area",
    ],
    "new baby": [
        "Preparing a nursery before a first baby arrives",
        "Making space for twins in a small flat",
        "Childproofing a living room for a crawling toddler",
        "Setting up a calm corner for night feeds",
        "Moving a toddler out of a crib into a big-kid room",
    ],
    "home working": [
        "Setting up a quiet study corner after going fully remote",
        "Needing a proper desk after months at the kitchen table",
        "Freelancing from home and wanting a room that feels professional on video calls",
        "Sharing a small flat where two people now spend their days at home",
        "Back pain after long days on a dining chair at home",
    ],
    "hosting guests": [
        "Expecting the in-laws to stay for a long weekend",
        "Turning a box room into a guest bedroom",
        "Having the whole family round for a big Sunday lunch",
        "Friends coming to stay for the first time in the new place",
        "Hosting a weekly board-games night in a small lounge",
    ],
    "seasonal refresh": [
        "Brightening a dark living room as the days get longer",
        "Making the bedroom cosier as the nights draw in",
        "A spring clear-out that left the lounge looking tired",
        "Swapping heavy textiles for lighter ones as the weather warms",
        "Wanting the home to feel warm and inviting for the festive season",
    ],
    "for someone else": [
        "Helping elderly parents replace a worn armchair",
        "Furnishing a first flat for a grown-up daughter",
        "Choosing a housewarming surprise for a brother",
        "Treating a sister to something special for her new home",
        "Kitting out a student room for a son starting university",
    ],
    "worn out": [
        "Replacing a sagging sofa that no longer supports anyone",
        "Replacing a wobbly bookcase that finally gave way",
        "Replacing a scratched dining table after years of family meals",
        "A cat has shredded the old armchair beyond repair",
    ],
}
