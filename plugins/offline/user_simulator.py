"""Offline answers of the user simulator (paper Figure 17): open, state needs, compare a
recommendation with the target, reject with the main difference, chit-chat, accept.

The user knows its target (profile target requirements) but never says the target's title or
brand, and speaks in its own words (`plugins/offline/shopper_words.py`), not the catalog's: a
synonym half the time ("dark blue", "real hide"), a vague word at `need_vague_p` ("something
dark"), nothing at `need_omit_p`, and a wrong value (one the target does not have) at
`need_wrong_p`. Sentences are put together from independent phrase pools, so that few sentences
repeat across conversations. Every fact comes from the products' fields and their photos."""

from __future__ import annotations

import random
import re
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline.lexicon import capitalised, echo
from muse_plugins.offline.needs import a_kind
from muse_plugins.offline.profile_match import POSSESSIVE, department
from muse_plugins.offline.shopper_words import DEPARTMENT_WORDS, Said, names_an_attribute, own_word, say, wrong_value
from muse_plugins.offline.vision import ImageFacts

def _facts(product: dict[str, Any]) -> dict[str, Any]:
    return product.get("attributes") or {}


def _main_colour(product: dict[str, Any], image: ImageFacts | None) -> str | None:
    """The colour the user sees: the photo's dominant colour if it is a listed one, else the listing's."""
    listed = _facts(product).get("colors") or []
    if image is not None:
        seen = [c for c in image.colors if c in listed]
        if seen:
            return seen[0]
    return listed[0] if listed else (image.colors[0] if image and image.colors else None)


# A story sentence the user may retell must read as no wish and no turn-down: none with a word of
# wanting, refusing or comparing (the querier reads wishes and refusals clause by clause).
WISHFUL = re.compile(r"\b(?:not|no|nor|never|nothing|none|too|than|instead|avoid\w*|away|tired|need\w*|want\w*|"
                     r"like\w*|love\w*|prefer\w*|hop\w*|wish\w*|must|should|ideal\w*|rather|after|keen|key|box|"
                     r"best|priorit\w*|requir\w*|important|essential|matters?|picturing|mind|show)\b|n't\b", re.I)
THIRD_PERSON = re.compile(r"\b(she|he|they|their|her|his|them)\b", re.I)
FIRST_PERSON = {"she": "I", "he": "I", "they": "I", "their": "my", "her": "my", "his": "my", "them": "me"}


def _first_person(sentence: str) -> str:
    def swap(m: re.Match[str]) -> str:
        word = FIRST_PERSON[m.group(1).lower()]
        return word if word == "I" or not m.group(1)[0].isupper() else word.capitalize()
    return THIRD_PERSON.sub(swap, sentence)


def own_story(profile: dict[str, Any]) -> list[str]:
    """The backstory's sentences the user can retell as its own, in the first person, in an order
    fixed by the story (so each turn of one conversation takes a different one): none naming the
    persona, its profession or a requirement, none that could read as a wish or a turn-down, none
    naming an attribute."""
    story = profile.get("backstory") or ""
    persona = profile.get("persona") or ""
    name = re.search(r"Name: ([^,]+)", persona)
    job = re.search(r"Profession: ([^,]+)", persona)
    avoid = [w.lower() for w in (name.group(1).split() if name else [])]
    avoid += [job.group(1).lower()] if job and job.group(1) != "none" else []
    avoid += [r.lower() for r in profile.get("requirements") or []]
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+", story.strip()):
        lowered = sentence.lower()
        if not sentence[:1].isupper() or "..." in sentence or any(a in lowered for a in avoid) or WISHFUL.search(sentence) or \
                names_an_attribute(sentence) or ":" in sentence or " - " in sentence:
            continue
        kept.append(_first_person(sentence))
    random.Random(story).shuffle(kept)
    return kept


def story_line(inputs: dict[str, Any]) -> str | None:
    """This turn's retold story sentence: the n-th of the story for the n-th user turn, so a
    conversation never retells one twice."""
    story = own_story(inputs.get("profile") or {})
    said = sum(1 for t in inputs.get("conversation") or [] if t["speaker"] == "User")
    return story[said] if said < len(story) else None


HELLO = ["Hi", "Hello", "Hey", "Hi there", "Hello there", "Hey there", "Good day", "Hello again", "Hi, hello",
         "Greetings"]
HELLO_TAIL = ["thanks for asking", "glad you're here", "hope you can help", "I could use a hand",
              "nice to chat", "I hope this is the right place", "I've got a small mission for you",
              "I'm on a bit of a deadline", "thanks for having me", "you're just the person I need"]
SITUATION = ["Here's my situation: {}.", "Quick context - {}.", "So, {} is coming up.", "I have this on my plate: {}.",
             "A bit of background: {}.", "It's about {}.", "The thing is, {}.", "Some context first: {}.",
             "Here's the story: {}.", "What's going on is this: {}."]
FIND = ["I need", "I'm hoping to find", "I'd love to find", "I want", "Could you help me find", "I'm trying to track down",
        "I'd like to pick out", "I'm looking for", "I'm out to find", "I'd love your help choosing", "I must find",
        "I'm on the lookout for", "Help me choose", "I'd be glad to find", "I'm keen to get"]
THING = ["something to wear", "the right thing", "a good option", "something suitable", "something that works",
         "the perfect piece", "something fitting", "one good find", "a piece I'll love", "something special",
         "a sensible choice", "something that feels like me", "a little treat", "the finishing touch"]
FOR = ["for it", "for the occasion", "for that", "for the day", "for that day", "for the whole thing",
       "for what's ahead", "before then", "in time", "for the big moment", "to get me through it",
       "to mark it", "for all of that"]
OWNED = ["I recently bought this {item} (photo attached)", "I already own this {item} - see the photo",
         "I've got this {item}, it's in the picture", "Attached is a photo of a {item} I have",
         "The {item} in the photo is already in my wardrobe", "I picked up this {item} last month (picture attached)",
         "There's a {item} I own in the attached image"]
PAIR = ["and I need something that goes with it", "and I'm looking for a piece to complete the outfit",
        "so I want something that matches it", "and I'd like something to wear alongside it",
        "and I'm after something to pair with it", "so I'm hoping to build an outfit around it"]


def open_(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
          options: OfflineConfig) -> str:
    profile, outfit = inputs["profile"], inputs.get("outfit")
    scenario = profile["scenario"].strip().rstrip(".")
    situation = rng.choice(SITUATION).format(scenario[0].lower() + scenario[1:])
    hello = f"{rng.choice(HELLO)}, {rng.choice(HELLO_TAIL)}" + rng.choice([".", "!"])
    if outfit:
        o = _facts(outfit)
        colour = _main_colour(outfit, images[0] if images else None)
        kind = o.get("product_type", "piece")
        item = " ".join(w for w in [colour and own_word("colour", colour, rng), own_word("kind", kind, rng)] if w)
        ask = f"{rng.choice(OWNED).format(item=item)}, {rng.choice(PAIR)}."
        return " ".join([hello, ask, situation])
    want = f"{rng.choice(FIND)} {rng.choice(THING)} {rng.choice(FOR)}."
    parts = [hello, situation, want] if rng.random() < 0.7 else [situation, want]
    line = story_line(inputs)
    if line:
        parts.insert(-1, line)
    return " ".join(parts)


KIND_LEAD = ["I'm thinking of", "I'd like", "I'm after", "What I have in mind is", "I need", "I'm looking for",
             "I'm hunting for", "I'd love", "I want to find", "I'd go for", "I'd prefer", "I'm in the market for"]
KIND_TAIL = ["", "", " this time", ", ideally", " for the occasion", ", I think", " if you have one", " for this",
             ", more or less", " for starters"]
NO_KIND = ["I'm not sure", "I haven't decided", "I'm open on", "I have no fixed idea about", "I'm undecided on",
           "I haven't settled"]
NO_KIND_ON = ["what kind of thing it should be", "the type of item", "what it is exactly", "the sort of piece",
              "which kind of item", "what form it takes"]
NO_KIND_END = ["yet", "for now", "at this point", "so far", "to be honest", "just now"]
NEED_INTRO = ["The main thing: {}", "Most of all: {}", "It really has to tick one box - {}",
              "What matters most to me is this: {}", "Ideally: {}", "My first requirement: {}",
              "Above everything, it has to be {}", "Priority one - {}", "The key thing: {}", "It must be {}",
              "I'd really like it {}", "One must-have: {}"]
NEED_INTRO_2 = ["It should also be {}", "Ideally it's {} as well", "Another must: {}", "Second priority - {}",
                "I'd also like it {}", "And it has to be {}", "Plus, it should be {}"]
NO_NEED = ["I'll know it when I see it", "Beyond that I'm flexible", "The rest I'll leave to you",
           "I trust your eye", "Surprise me", "The finer points are up to you"]
NO_NEED_END = ["", ", really", ", I suppose", ", honestly", " anyway", ", within reason"]


def _kind_words(said: Said) -> str:
    return said.text if said.mode == "vague" else a_kind(said.text)


def needs(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
          options: OfflineConfig) -> str:
    """The kind of item and the first requirement, in the shopper's words: the kind may be left
    out, vague, or another kind than the target's (`need_wrong_p`); the requirement may be left out."""
    kind, requirement = inputs["target_kind"], inputs["requirement"]
    if rng.random() < options.need_wrong_p:
        kind = wrong_value("kind", kind, {kind}, rng) or kind
    said = say("kind", kind, rng, options)
    if said.mode == "omitted":
        first = f"{rng.choice(NO_KIND)} {rng.choice(NO_KIND_ON)} {rng.choice(NO_KIND_END)}."
    else:
        first = f"{rng.choice(KIND_LEAD)} {_kind_words(said)}{rng.choice(KIND_TAIL)}."
    sentences = [capitalised(first)]
    if rng.random() < options.need_omit_p:
        sentences.append(f"{rng.choice(NO_NEED)}{rng.choice(NO_NEED_END)}.")
    else:
        sentences.append(capitalised(rng.choice(NEED_INTRO).format(requirement)) + ".")
        others = [r for r in (inputs.get("profile") or {}).get("requirements", [])[1:] if r != requirement]
        if others and rng.random() < 0.4:
            sentences.append(capitalised(rng.choice(NEED_INTRO_2).format(others[0])) + ".")
    line = story_line(inputs)
    if line and rng.random() < 0.8:
        sentences.append(line)
    return " ".join(sentences)


def difference(rec: dict[str, Any], target: dict[str, Any], rec_img: ImageFacts | None,
               target_img: ImageFacts | None) -> dict[str, str]:
    """The one main difference between the recommended item and the target, most visible first,
    as catalog values: kind, department, colour (the photo's dominant listed colour), material,
    pattern, then a feature, the price or the style."""
    r, t = _facts(rec), _facts(target)
    if r.get("product_type") != t.get("product_type"):
        return {"aspect": "kind", "recommended": r.get("product_type") or "item", "wanted": t.get("product_type") or "item"}
    r_dept, t_dept = department(rec), department(target)
    if t_dept and r_dept != t_dept:
        return {"aspect": "department", "recommended": POSSESSIVE.get(r_dept or "", "unisex"),
                "wanted": POSSESSIVE[t_dept]}
    t_colour, r_colours = _main_colour(target, target_img), set(r.get("colors") or []) | set(
        rec_img.colors if rec_img else [])
    if t_colour and t_colour not in r_colours:
        return {"aspect": "colour", "recommended": _main_colour(rec, rec_img) or "another colour", "wanted": t_colour}
    t_materials = t.get("materials") or []
    if t_materials and not set(t_materials) & set(r.get("materials") or []):
        return {"aspect": "material", "recommended": ", ".join(r.get("materials") or []) or "no stated material",
                "wanted": t_materials[0]}
    if t.get("pattern") and t.get("pattern") != r.get("pattern"):
        return {"aspect": "pattern", "recommended": r.get("pattern") or "solid", "wanted": t["pattern"]}
    features = [f for f in t.get("key_features") or [] if f.lower() not in " ".join(r.get("key_features") or []).lower()]
    if features:
        return {"aspect": "feature", "recommended": "other details", "wanted": features[0].lower()}
    if rec.get("price") and target.get("price") and target["price"] < 0.8 * rec["price"]:
        return {"aspect": "price", "recommended": "a higher price", "wanted": "something more affordable"}
    return {"aspect": "style", "recommended": "a look that is not quite me", "wanted": "something closer to my picture"}


def target_values(target: dict[str, Any], aspect: str) -> set[str]:
    """What the target has of one aspect (a wrong value must be none of these)."""
    t = _facts(target)
    return {"kind": {t.get("product_type")}, "colour": set(t.get("colors") or []),
            "material": set(t.get("materials") or []), "pattern": {t.get("pattern")},
            "department": {POSSESSIVE.get(department(target) or "", "unisex")}}.get(aspect, set())


def compare(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
            options: OfflineConfig) -> dict[str, str]:
    """The main difference; at `need_wrong_p` the user misremembers what it wants and names a value
    of that aspect the target does not have (nor the recommendation)."""
    rec, target = inputs["product"], inputs["target"]
    rec_img, target_img = images if len(images) == 2 else (None, None)  # both photos, or go by text
    diff = difference(rec, target, rec_img, target_img)
    if diff["aspect"] in {"kind", "colour", "material", "pattern"} and rng.random() < options.need_wrong_p:
        avoid = target_values(target, diff["aspect"]) | set(diff["recommended"].split(", "))
        diff["wanted"] = wrong_value(diff["aspect"], diff["wanted"], avoid, rng) or diff["wanted"]
    return diff


OPENERS = ["Thanks, but", "I appreciate it, but", "Hmm, not quite -", "That's kind, however", "I see why you picked it, but",
           "Close, but", "Sorry, that one won't do:", "Nice try, but", "Ah, almost -", "Thank you, though",
           "Good thought, but", "I like the effort, but", "Oh, hmm -", "Not bad, but", "Right idea, however",
           "Fair suggestion, but", "Thanks for trying, but", "Hmm, so close -", "Good effort, though", "Oh, I see, but",
           "That's a fair pick, however", "Appreciated, but", "Interesting, but", "Kind of you, but", "Tempting, but",
           "Sorry to be fussy, but", "Ooh, nearly -", "Hmm, on second look,", "Honestly,", "I can see the appeal, but",
           "It's a nice find, but", "Ah, I see your thinking, but", "Nearly there -", "Mm, afraid", "Well,",
           "Hmm, you know what,"]
COMPLAINTS = {
    "kind": ["{r} isn't what I'm after", "I'm not looking for {r}", "{r} won't do the job",
             "I don't need {r}", "{r} is not the right kind of thing", "{r} is not what I came for",
             "I'm not after {r} today", "{r} doesn't fit my plans", "{r} is no good to me here"],
    "department": ["that one is {r}, which won't work", "it's {r} and that's not right for me",
                   "I can't wear {r}", "it's {r}, so it's no use to me", "it looks to be {r}, which doesn't work"],
    "colour": ["the {r} isn't doing it for me", "I'm not keen on the {r}", "{r} isn't really my colour",
               "I can't see myself in {r}", "the {r} doesn't feel right for this", "{r} is not what I pictured",
               "I'm not a fan of {r} here", "{r} won't work for me", "I'm tired of {r}", "I'd steer away from {r}",
               "the {r} is not for me", "{r} doesn't go with my plans"],
    "material": ["{r} isn't right for this", "I'm not sold on {r}", "{r} doesn't feel right",
                 "I'd rather not have {r}", "I can't do {r}", "I'm not a fan of {r}", "{r} doesn't agree with me",
                 "I'd avoid {r}", "{r} is not my first choice"],
    "pattern": ["the {r} look isn't my style", "{r} isn't for me", "I don't love the {r} look",
                "a {r} design is not what I had in mind", "the {r} look is not me", "{r} doesn't appeal",
                "I'm not into {r} designs"],
}
WISHES = ["I'd much prefer {w}", "I really want {w}", "what I need is {w}", "I'd love {w}", "I'm hoping for {w}",
          "{w} would be ideal", "I'm after {w}", "ideally {w}", "show me {w}", "I'm picturing {w}",
          "I'd rather have {w}", "{w} is what I have in mind", "I'd go for {w}", "I'm thinking of {w}",
          "{w} would be best", "I'm looking for {w}", "I'd like {w} instead", "I'm keen on {w}"]
NO_WISH = ["maybe show me something else", "maybe there's another option", "let's look at a different one",
           "I'd like to see what else there is", "I wonder what else you have", "what else have you got",
           "perhaps there's something else", "let's keep looking", "I'll trust you to find another",
           "let's try a different direction", "can we see some alternatives"]
OTHER_REASONS = {
    "feature": ["it lacks what I need, which is {w}", "I need {w}, and this one doesn't offer that",
                "it's missing {w}, which matters to me"],
    "price": ["it's more than I want to spend; something more affordable would suit me better",
              "it's a bit pricey for me - I'd like something more affordable",
              "the price is higher than I hoped; I'd prefer something cheaper"],
    "style": ["it's not quite the look I have in mind; something closer to my picture would be better",
              "it doesn't feel like me; I'm after something closer to what I pictured",
              "the overall style isn't me; I want something nearer to what I imagine"],
}
CONTINUITY = ["Remember what I said: \"{e}\".", "As I told you, \"{e}\".", "Keep \"{e}\" in mind.",
              "It's still about \"{e}\", after all.", "Think back to \"{e}\"."]
ASK_AGAIN = ["Could you", "Can you", "Would you", "Maybe you could", "Perhaps you could", "Might you",
             "Do you think you could", "Any chance you could"]
AGAIN = ["try again", "show me another", "look once more", "find a different one", "dig a little deeper",
         "have another go", "search a bit more", "take one more look", "pull up another", "keep going",
         "give it one more try"]
AGAIN_END = ["?", ", please?", " now?", ", if you can?"]


def _words(aspect: str, value: str, rng: random.Random) -> str:
    """A value the user can see (the recommendation's), in its own words."""
    if aspect == "kind":
        return a_kind(own_word("kind", value, rng))
    if aspect == "department":
        return rng.choice(DEPARTMENT_WORDS.get(value) or ["a unisex cut"])
    return own_word(aspect, value, rng)


def _wanted_words(aspect: str, said: Said) -> str:
    if aspect == "kind" and said.mode != "vague":
        return a_kind(said.text)
    if aspect == "pattern" and said.mode == "catalog":
        return f"something {said.text}"
    if aspect == "department" and said.mode == "catalog":
        return f"a {said.text} cut"
    return said.text


def reject(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
           options: OfflineConfig) -> str:
    """Decline with the main difference: what the recommendation has, in the user's words, and what
    it wants instead, in its own words, vaguely (`need_vague_p`) or not at all (`need_omit_p`)."""
    d = inputs["difference"]
    aspect = d["aspect"]
    earlier = " ".join(t["text"] for t in inputs.get("conversation") or [] if t["speaker"] == "User").lower()
    openers = [o for o in OPENERS if o.lower() not in earlier] or ["Still not it -"]
    opener = rng.choice(openers)
    if aspect in COMPLAINTS:
        first = d["recommended"].split(", ")[0]
        complaint = "it doesn't say what it's made of" if first == "no stated material" else \
            rng.choice(COMPLAINTS[aspect]).format(r=_words(aspect, first, rng))
        said = say(aspect, d["wanted"], rng, options)
        wish = rng.choice(NO_WISH) if said.mode == "omitted" else \
            rng.choice(WISHES).format(w=_wanted_words(aspect, said))
        body = f"{complaint}; {wish}."
    else:
        body = rng.choice(OTHER_REASONS.get(aspect, ["I want {w} instead"])).format(w=d["wanted"]) + "."
    text = f"{opener} {body}" if rng.random() < 0.5 else capitalised(body)  # not every "no" is softened first
    user_turns = [t["text"] for t in inputs.get("conversation") or [] if t["speaker"] == "User"]
    if user_turns and rng.random() < 0.4:  # the prompt asks to refer back to the conversation: the user's own words
        said = echo(rng.choice(user_turns), rng, skip=WISHFUL)
        if said and not names_an_attribute(said):  # the querier reads rejections: no stray attribute
            text += " " + rng.choice(CONTINUITY).format(e=said)
    if rng.random() < 0.1:
        text += f" {rng.choice(ASK_AGAIN)} {rng.choice(AGAIN)}{rng.choice(AGAIN_END)}"
    return text


MEMORY_OF = ["That {c} reminds me of", "A {k} of that sort takes me back to", "Seeing that {c} brings back",
             "That {k} makes me think of", "Oddly, the {c} makes me remember", "The {c} tone brings to mind"]
MEMORY = ["a trip I took years ago", "my grandmother's wardrobe", "a summer by the sea", "my first proper job",
          "a friend's wedding long ago", "our old family holidays", "a rainy week in the mountains",
          "the day I moved to this city", "a concert I went to as a teenager", "my dad's Sunday outfits"]
MUSING = ["funny how colours bring things back", "it's strange what sticks with you", "those were good days",
          "I still smile about it", "time flies", "I hadn't thought of that in ages"]
FEELING_OF = ["I keep picturing", "I can't stop thinking about", "I've been daydreaming about", "I keep going over"]
FEELING_ON = ["the day itself", "the big moment", "how it will all go", "who will be there", "the first few minutes"]
FEELING = ["I'm a little nervous", "I'm quite excited", "my stomach flutters", "I feel oddly calm",
           "I'm half thrilled, half terrified"]
HONESTLY = ["to be honest", "honestly", "I admit", "if I'm honest", "I must say"]
ASIDE = ["Anyway", "Sorry", "Oh well", "Ah", "Right", "Okay"]
ASIDE_2 = ["I'm rambling", "I got sidetracked", "back to shopping", "where were we", "enough about me",
           "it's been a busy month"]


def chitchat(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
             options: OfflineConfig) -> str:
    """A memory or a feeling the item brings up; never a wish, so the querier reads nothing in it."""
    product = inputs["product"]
    colour = _main_colour(product, images[0] if images else None) or "colour"
    kind = _facts(product).get("product_type", "piece")
    line = story_line(inputs)
    if line and rng.random() < 0.7:
        return line + (f" {rng.choice(ASIDE)}, {rng.choice(ASIDE_2)}." if rng.random() < 0.3 else "")
    if rng.random() < 0.6:
        thought = (f"{rng.choice(MEMORY_OF).format(c=own_word('colour', colour, rng), k=own_word('kind', kind, rng))} "
                   f"{rng.choice(MEMORY)} - {rng.choice(MUSING)}.")
    else:
        thought = f"{rng.choice(FEELING_OF)} {rng.choice(FEELING_ON)}; {rng.choice(FEELING)}, {rng.choice(HONESTLY)}."
    return thought + (f" {rng.choice(ASIDE)}, {rng.choice(ASIDE_2)}." if rng.random() < 0.5 else "")


THANKS = ["Thank you", "Thanks so much", "Perfect, thanks", "Great find", "Wonderful", "Brilliant", "Oh, lovely",
          "Yes", "Fantastic", "Ah, finally", "Oh wow", "Yes, yes", "Amazing", "Now we're talking", "Ooh",
          "Well done", "Many thanks", "Spot on", "Oh, that's great", "Terrific", "Hooray"]
FOUND = ["this is it", "that's the one", "I'll take it", "you nailed it", "that's exactly right", "we found it",
         "it's perfect", "sold", "you found it", "that does it", "my search is over", "I'm buying it",
         "count me in", "that's a yes from me", "you've cracked it", "it's a match"]
WHY = ["{t} has {s}, which is exactly what I wanted.", "I love that {t} comes with {s}.",
       "With {s}, {t} ticks my boxes.", "{t} with {s} is just what I was after.",
       "{S} on {t} - that's what sold me.", "What I like about {t} is {s}.", "{t} wins me over with {s}.",
       "The way {t} does {s} is lovely.", "{S} makes {t} stand out for me.", "I'm drawn to {t} for {s}.",
       "{t} gets {s} just right."]
FIT = ["It's {r}, just as I hoped.", "It feels {r}, which matters to me.", "Being {r} makes it right for me.",
       "And it's {r} - great.", "It's {r}, exactly what I asked for.", "It manages to be {r} too.",
       "Plus it's {r}, which I needed.", "It's {r} as well, so that's settled.", "Being {r} seals it."]


def accept(inputs: dict[str, Any], images: list[ImageFacts], rng: random.Random,
           options: OfflineConfig) -> str:
    product, requirements = inputs["product"], inputs["profile"]["requirements"]
    f = _facts(product)
    colour = _main_colour(product, images[0] if images else None)
    colour_words = rng.choice(["the {} colour", "the {} shade", "that {}", "the {} tone", "the {}"])
    features = [x for x in [colour and colour_words.format(colour), (f.get("materials") or [None])[0],
                            f.get("pattern") not in (None, "solid") and f"the {f['pattern']} pattern",
                            *(k.lower() for k in (f.get("key_features") or [])[:1])] if x]
    shown = " and ".join(features[:2]) or "its details"
    thanks = f"{rng.choice(THANKS)}, {rng.choice(FOUND)}" + rng.choice(["!", "."])
    # the title half the time: the accepted item is the one just recommended either way
    name = f"the {product['title']}" if rng.random() < 0.5 else rng.choice(["this one", "this pick", "your pick"])
    why = capitalised(rng.choice(WHY).format(t=name, s=shown, S=capitalised(shown)))
    parts = [thanks, why]
    if rng.random() < 0.7:
        parts.append(rng.choice(FIT).format(r=rng.choice(requirements)))
    occasion = echo(inputs["profile"].get("scenario") or "", rng) if rng.random() < 0.6 else None
    if occasion:
        parts.append(rng.choice(SORTED).format(e=occasion, E=capitalised(occasion)))
    return " ".join(parts)


SORTED = ["So that's {e} sorted.", "One less thing to worry about for {e}.", "Now {e} feels within reach.",
          "That takes care of {e}.", "{E} just got easier.", "Ready for {e} now."]
