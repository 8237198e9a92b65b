"""The fashion domain's persona sampler (paper 3.2.2, the authors' parameters): gender
male/female/unspecified at 45/45/10, age 5-70, no profession at 15 or younger."""

from __future__ import annotations

import random

from muse_core.personas import Persona

FIRST_NAMES = {
    "female": ["Amara", "Beatriz", "Chloe", "Daniela", "Elena", "Fatima", "Grace", "Hana", "Imani", "Julia", "Keiko",
               "Leila", "Maya", "Nadia", "Olivia", "Priya", "Rosa", "Sofia", "Tessa", "Uma", "Valentina", "Wen",
               "Ximena", "Yara", "Zoe", "Ingrid", "Leslie", "Martha", "Aisha", "Camille"],
    "male": ["Aarav", "Ben", "Carlos", "Dmitri", "Elijah", "Felix", "Gabriel", "Hiro", "Ibrahim", "Jonas", "Kwame",
             "Liam", "Mateo", "Noah", "Omar", "Pedro", "Quentin", "Rafael", "Samuel", "Tomas", "Umar", "Victor",
             "William", "Xavier", "Yusuf", "Zane", "Timothy", "Arjun", "Henrik", "Malik"],
    "unspecified": ["Alex", "Jordan", "Riley", "Sam", "Taylor", "Morgan", "Casey", "Avery", "Quinn", "Rowan", "Sasha",
                    "Robin", "Jamie", "Kai", "Noor"],
}
LAST_NAMES = ["Adeyemi", "Bauer", "Chen", "Diaz", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Johnson", "Kowalski",
              "Lopez", "Murphy", "Nakamura", "Okafor", "Patel", "Quinn", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga",
              "Walker", "Xu", "Yilmaz", "Zhang", "Robinson", "Barnett", "Clark", "Novak", "Silva", "Moreau"]
PROFESSIONS = ["nurse", "software engineer", "primary school teacher", "accountant", "chef", "electrician", "architect",
               "pharmacist", "graphic designer", "police officer", "lawyer", "barista", "marketing manager",
               "civil engineer", "dentist", "journalist", "librarian", "personal trainer", "photographer",
               "real estate agent", "social worker", "veterinarian", "pilot", "hairdresser", "musician",
               "data analyst", "bus driver", "dental hygienist", "event planner", "florist", "prison officer",
               "chief strategy officer", "secretary", "carpenter", "physiotherapist", "sales associate"]

GENDERS = (("male", 0.45), ("female", 0.45), ("unspecified", 0.10))


def sample_persona(rng: random.Random) -> Persona:
    gender = rng.choices([g for g, _ in GENDERS], weights=[w for _, w in GENDERS])[0]
    age = rng.randint(5, 70)
    if age <= 15:
        profession = None
    elif age <= 22 and rng.random() < 0.7:
        profession = "university student" if age >= 18 else "high school student"
    elif age >= 65 and rng.random() < 0.6:
        profession = "retired"
    else:
        profession = rng.choice(PROFESSIONS)
    name = f"{rng.choice(FIRST_NAMES[gender])} {rng.choice(LAST_NAMES)}"
    return Persona(name=name, gender=gender, age=age, profession=profession)
