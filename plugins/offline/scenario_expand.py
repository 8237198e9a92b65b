"""Offline answer to `scenario_expand` (self-instruct, paper 3.2.1): new shopping scenarios for a
reason, composed from small grammars. Slots sit close together so that two scenarios differ in
almost every run of four words, as real self-instruct output does."""

from __future__ import annotations

import random
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.vision import ImageFacts

PEOPLE = ["a younger brother", "an old school friend", "a new neighbour", "a favourite aunt", "a grandfather",
          "a teenage nephew", "a close colleague", "a university roommate", "a godmother", "twin cousins",
          "a partner", "a mentor", "a sister-in-law", "a retiring boss", "a best friend", "a stepfather"]
EVENTS = ["wedding", "housewarming", "christening", "book launch", "award night", "engagement party",
          "charity gala", "baby shower", "retirement party", "art opening", "garden party", "rooftop barbecue",
          "farewell dinner", "jazz concert", "theatre premiere", "alumni reunion", "conference", "launch party"]
PLACES = ["by the lake", "in a vineyard", "downtown", "at a ski lodge", "on a riverboat", "in a city museum",
          "at the coast", "in an old barn", "abroad", "in a mountain village", "at a botanical garden",
          "on a rooftop terrace", "in a historic hotel", "at a country club"]
WHEN = ["next weekend", "in early spring", "this coming winter", "at the end of the month", "before the holidays",
        "over a long weekend", "in the rainy season", "during a heatwave", "in three weeks", "this Friday evening"]
SPORTS = ["trail running", "rock climbing", "kayaking", "pilates", "badminton", "cross-country skiing",
          "salsa dancing", "a charity fun run", "paddle boarding", "golf lessons", "a spin class", "orienteering",
          "beach volleyball", "nordic walking", "a triathlon", "horse riding", "a 10k race", "ice skating"]
MILESTONES = ["a pay rise", "passing a driving test", "a first solo exhibition", "ten years of marriage",
              "finishing a doctorate", "paying off a loan", "a sixtieth birthday", "a new grandchild",
              "a first week of sobriety", "opening a small bakery", "getting citizenship", "a recovery from surgery",
              "a sports club championship", "a first published article"]
WORK = ["a shift to night duty", "a new role as a site manager", "a week of trade-fair stands", "a first day as a tutor",
        "a uniform-free office policy", "daily video calls with investors", "a move to a coastal branch",
        "an internship at a design studio", "courtroom appearances", "guiding museum tours", "a summer café job",
        "a promotion to team lead", "a research trip to the Arctic", "a teaching placement abroad"]
ITEMS = ["rain boots", "a winter coat", "running trainers", "a leather belt", "a school backpack", "work shirts",
         "a swimsuit", "wool gloves", "a travel bag", "slippers", "office trousers", "a sun hat", "hiking socks"]
DAMAGE = ["split at the seams", "lost their waterproofing", "faded in the wash", "shrank two sizes", "tore on a fence",
          "wore thin at the heels", "got stained beyond rescue", "lost a strap", "stretched out of shape"]
LOOKS = ["quiet luxury", "gorpcore", "nineties sportswear", "coastal grandmother", "dark academia", "cottagecore",
         "clean minimalism", "western details", "pastel tailoring", "bold prints", "monochrome layering", "preppy"]

PEOPLE += ["a choir friend", "a new manager", "an exchange student", "a former teacher", "a climbing partner",
           "a pen pal", "a bandmate", "a fiancée", "a stepdaughter", "a goddaughter", "a marathon buddy"]
EVENTS += ["vow renewal", "bar mitzvah", "quinceañera", "product demo", "poetry reading", "school reunion",
           "silver jubilee", "team offsite", "film screening", "gallery tour", "wine tasting", "harvest fair"]
PLACES += ["in a converted warehouse", "at a seaside pier", "in a chapel", "at a racecourse", "on a farm",
           "in a glasshouse", "at an old mill", "in the old town"]
SPORTS += ["bouldering", "water polo", "fencing", "archery", "rowing", "parkour", "disc golf", "squash",
           "snowshoeing", "aqua aerobics", "trail biking", "tai chi"]
MILESTONES += ["a fortieth birthday", "a black belt", "a first home", "a silver wedding", "a book deal",
               "a scholarship", "a new job offer", "a hundred days of running"]
WORK += ["a first week at a bank", "a stint as a wedding photographer", "volunteering at a shelter",
         "a pop-up market stall", "a lab placement", "a night-shift security post", "hosting a podcast live"]

PEOPLE += ["a twin sister", "a foster son", "a next-door toddler", "a grandson", "a new colleague", "a running coach",
           "a landlady", "a childhood friend", "a brother-in-law", "an older cousin", "a favourite uncle", "a niece"]
EVENTS += ["naming day", "housewarming brunch", "pub quiz final", "prize-giving", "street party", "lantern festival",
           "regatta", "charity auction", "cook-off", "graduation ball", "ceilidh", "open-air opera", "tea dance"]
PLACES += ["in a tithe barn", "at a lido", "in a treehouse hotel", "on a canal boat", "at a castle", "in a marquee",
           "in the highlands", "at a ski resort", "by a fjord", "on an island", "at a golf club", "in a loft"]
WHEN += ["on Saturday week", "in late autumn", "around midsummer", "over Easter", "after exams", "next month",
         "before the school term", "this spring", "in the new year", "on bank holiday Monday"]
ITEMS += ["a rain jacket", "ankle boots", "a wool scarf", "gym leggings", "a denim jacket", "summer sandals",
          "a work blazer", "a fleece", "loafers", "a crossbody bag", "a cardigan", "pyjamas"]
DAMAGE += ["lost its shape", "pilled badly", "cracked along the sole", "snapped a buckle", "went see-through",
           "bled dye", "lost a heel", "split at the pocket", "frayed at the cuffs", "stopped zipping up"]
LOOKS += ["boho layers", "Scandinavian basics", "old-money polish", "skater style", "eighties power dressing",
          "utility wear", "Y2K shine", "parisian chic", "tailored athleisure", "rustic workwear"]

# Openers are drawn too, so a template has no run of four fixed words: two scenarios of one
# template then share a run of four words only where their draws coincide (the BLEU screen
# compares exactly that, and a template with a fixed four-word run gave one scenario, ever).
OPENERS: dict[str, list[str]] = {
    "gifts": ["Buying a present for", "A gift for", "Shopping for", "Spoiling", "Picking something for",
              "Gift ideas for", "Treating", "Thinking of", "A surprise for", "Wrapping something for"],
    "attend": ["Attending", "Going to", "Invited to", "Off to", "Dressing for", "Expected at", "Heading to",
               "Guest at", "Turning up to", "RSVP'd to"],
    "sports": ["Sports need:", "Sport:", "New hobby:", "Fitness plan:", "Active goal:", "Weekend plan:",
               "Training plan:", "Getting fit:", "Sporty plan:", "Challenge:"],
    "celebrate": ["Celebrating", "Marking", "Toasting", "Honouring", "Cheering", "Raising a glass to",
                  "Commemorating", "Rejoicing at"],
    "work": ["Work requires new attire for", "Preparing for", "Dressing for", "Kitted out for", "Ready for",
             "Starting", "Clothes for", "An outfit for", "Gearing up for", "Planning for"],
    "season": ["Seasonal change:", "Weather shift:", "New season:", "Forecast:", "Change in the air:",
               "Season turning:", "Temperature swing:", "As weather changes:"],
    "trend": ["Trying", "Following", "Exploring", "Testing", "Dabbling in", "Falling for", "Adopting", "Embracing"],
    "worn-out": ["Replacing", "Swapping out", "Retiring", "Finally binning", "Making do without", "Out with",
                 "Farewell to", "Giving up on"],
}
GRAMMARS: dict[str, list[str]] = {
    "gifts": ["{open} {person} ahead of their {event} {when}",
              "{person_cap} turns a year older {when} and deserves something special",
              "{open} {person} after help with {work}",
              "Secret gift exchange with {person}: something for {sport}",
              "{open} {person} who just took up {sport}",
              "Congratulating {person} on {milestone}",
              "{open} {person}, a fan of {look}, {when}",
              "{open} {person} before a {event} {place}",
              "{open} {person}, just back from {sport} {place}"],
    "attend": ["{open} {person}'s {event} {place} {when}",
               "{open} a {event} {place} as a guest",
               "{open} a {event} with {person} {when}",
               "A {event} {place} where the dress code is unclear",
               "Hosting {person} at a {event} {when}",
               "Speaking at a {event} {place}",
               "Guest of honour: {person}'s {event}",
               "{open} {person}'s {event} {when}, {place}",
               "{open} a {event}, plus one of {person}"],
    "sports": ["{open} taking up {sport} {when}", "{open} {sport} with {person} {place}",
               "{open} first {sport} session {place}", "{open} {sport} every morning {when}",
               "{open} a {sport} club trial {when}", "{open} coaching {person} in {sport}",
               "{open} {sport} {place} {when}", "{open} {sport} lessons, then {sport} {when}",
               "{open} back to {sport} after {milestone}"],
    "celebrate": ["{open} {milestone} {place}", "{open} {milestone} with {person} {when}",
                  "{open} {milestone} with a dinner {place}", "A party for {milestone} {when}",
                  "{open} {milestone} at a {event}", "Treating oneself after {milestone}",
                  "{open} {milestone} {when}, {place}", "{open} {person}'s {milestone} at a {event}"],
    "work": ["{open} {work}", "{open} {work} {when}", "{open} {work} {place}",
             "Needing practical clothes for {work}", "Looking credible at {work} beside {person}",
             "Commuting {place} for {work}", "{open} {work} with {person} {when}",
             "{open} {work}, then a {event}"],
    "season": ["{open} getting ready for {when} {place}", "{open} {sport} {when}",
               "Packing for a stay {place} {when}", "A new season of {sport} starting {when}",
               "First frost {place} before a {event}", "Heatwave forecast {when} during {work}",
               "{open} {when} {place}, then a {event}", "{open} rain expected {place} {when}"],
    "trend": ["{open} the {look} trend {when}", "{open} {look} for a {event}",
              "Adding {look} touches before a trip {place}", "Mixing {look} with everyday basics for {work}",
              "Copying {person}'s {look} style {when}", "A {look} makeover after {milestone}",
              "{open} {look} with {person} {when}", "{open} {look} {place}"],
    "worn-out": ["{open} {item} that {damage}", "Practical need: {item} {damage} {when}",
                 "Old {item_plain} {damage} before a {event}", "{item_cap} {damage} during {sport}",
                 "Borrowed {item_plain} from {person} {damage}", "{item_cap} {damage} right before {work}",
                 "{open} {item} that {damage} {place}", "{open} {item_plain}: they {damage} {when}"],
}


def fill(template: str, rng: random.Random, reason: str) -> str:
    """`template` (one of `reason`'s) with its slots filled; the opening words are that reason's."""
    person = rng.choice(PEOPLE)
    item = rng.choice(ITEMS)
    opener = rng.choice(OPENERS[reason])
    return template.format(
        open=opener, person=person, person_cap=person[0].upper() + person[1:], event=rng.choice(EVENTS),
        place=rng.choice(PLACES), when=rng.choice(WHEN), sport=rng.choice(SPORTS), milestone=rng.choice(MILESTONES),
        work=rng.choice(WORK), item=item, item_plain=item.removeprefix("a "), item_cap=item[0].upper() + item[1:],
        damage=rng.choice(DAMAGE), look=rng.choice(LOOKS),
    )


def answer(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
        options: OfflineConfig) -> dict[str, Any]:
    # another domain's reason: any fashion reason's template, filled with that reason's own openings
    reasons = [inputs["reason"]] if inputs["reason"] in GRAMMARS else list(GRAMMARS)
    scenarios = []
    for _ in range(int(inputs["n"])):
        reason = rng.choice(reasons)
        scenarios.append(fill(rng.choice(GRAMMARS[reason]), rng, reason))
    return {"scenarios": scenarios}
