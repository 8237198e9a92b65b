"""The furniture domain's persona sampler: adults who furnish a home, and the household they
furnish it for.

- Age 18-70, weighted towards the ages when people move and set up homes (muse's Persona
  accepts 5-70; children do not buy sofas, so none are drawn).
- Gender male/female/unspecified at 45/45/10, as in the fashion domain.
- A household (living alone, a couple, a young family, flatmates, ...) chosen to fit the age.
  muse's Persona has no household field, so FurniturePersona adds one and puts it in the
  description that the profile judge and the backstory writer see; the `users` table and the
  conversation stage keep only muse's four fields (name, gender, age, profession).
"""

from __future__ import annotations

import random

from muse_core.api import Persona

FIRST_NAMES = {
    "female": ["Amara", "Beatriz", "Chloe", "Daniela", "Elena", "Fatima", "Grace", "Hana", "Imani", "Julia", "Keiko",
               "Leila", "Maya", "Nadia", "Olivia", "Priya", "Rosa", "Sofia", "Tessa", "Ingrid", "Martha", "Aisha"],
    "male": ["Aarav", "Ben", "Carlos", "Dmitri", "Elijah", "Felix", "Gabriel", "Hiro", "Ibrahim", "Jonas", "Kwame",
             "Liam", "Mateo", "Noah", "Omar", "Pedro", "Rafael", "Samuel", "Tomas", "Victor", "Henrik", "Malik"],
    "unspecified": ["Alex", "Jordan", "Riley", "Sam", "Taylor", "Morgan", "Casey", "Avery", "Quinn", "Rowan", "Robin",
                    "Jamie", "Kai", "Noor"],
}
LAST_NAMES = ["Adeyemi", "Bauer", "Chen", "Diaz", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Johnson", "Kowalski",
              "Lopez", "Murphy", "Nakamura", "Okafor", "Patel", "Rossi", "Schmidt", "Tanaka", "Varga", "Walker", "Xu",
              "Yilmaz", "Zhang", "Novak", "Silva", "Moreau", "Lindqvist"]
PROFESSIONS = ["nurse", "software engineer", "primary school teacher", "accountant", "chef", "electrician", "architect",
               "pharmacist", "graphic designer", "police officer", "lawyer", "barista", "marketing manager",
               "civil engineer", "dentist", "journalist", "librarian", "physiotherapist", "photographer",
               "translator", "social worker", "veterinarian", "data analyst", "bus driver", "event planner",
               "florist", "carpenter", "interior designer", "sales associate", "project manager"]
GENDERS = (("male", 0.45), ("female", 0.45), ("unspecified", 0.10))
# (lowest age, highest age, weight): most furnishing happens between 25 and 45
AGE_BANDS = ((18, 24, 0.15), (25, 34, 0.30), (35, 44, 0.25), (45, 59, 0.18), (60, 70, 0.12))
# household -> ages it fits
HOUSEHOLDS = {
    "lives alone": (18, 70),
    "shares a flat with friends": (18, 35),
    "lives with a partner": (20, 70),
    "a couple expecting their first child": (22, 45),
    "a family with young children": (25, 50),
    "a family with teenagers": (35, 60),
    "empty nesters": (48, 70),
}


class FurniturePersona(Persona):
    household: str

    def describe(self) -> str:
        return f"{super().describe()}, Household: {self.household}"


def sample_persona(rng: random.Random) -> FurniturePersona:
    gender = rng.choices([g for g, _ in GENDERS], weights=[w for _, w in GENDERS])[0]
    low, high, _ = rng.choices(AGE_BANDS, weights=[w for *_, w in AGE_BANDS])[0]
    age = rng.randint(low, high)
    if age <= 22 and rng.random() < 0.6:
        profession = "university student"
    elif age >= 64 and rng.random() < 0.6:
        profession = "retired"
    else:
        profession = rng.choice(PROFESSIONS)
    household = rng.choice(sorted(h for h, (a, b) in HOUSEHOLDS.items() if a <= age <= b))
    name = f"{rng.choice(FIRST_NAMES[gender])} {rng.choice(LAST_NAMES)}"
    return FurniturePersona(name=name, gender=gender, age=age, profession=profession, household=household)
