"""Demo profile photos and references: simple portraits drawn with Pillow (nothing downloaded,
nobody real), and a reference of past work written from the person's competences.

Drawn from a seed, so a person gets the same portrait at every load; about two people in three
get one, the others show their initials as a new member would.
"""

from __future__ import annotations

import random
import zlib
from io import BytesIO
from typing import Any

from PIL import Image, ImageDraw

SIDE = 320
BACKGROUNDS = ["#fde68a", "#bfdbfe", "#c7d2fe", "#bbf7d0", "#fecaca", "#e9d5ff", "#fed7aa"]
SKINS = ["#f1c27d", "#e0ac69", "#c68642", "#8d5524", "#ffdbac", "#a0522d"]
HAIRS = ["#2c1b10", "#4b2e1e", "#a55728", "#d6b370", "#6b6b6b", "#111111"]
CLOTHES = ["#9a3412", "#1d4ed8", "#14532d", "#7c2d12", "#334155", "#be185d", "#0f766e"]


def has_photo(email: str) -> bool:
    return zlib.crc32(email.encode()) % 3 != 0


def portrait(seed: str) -> bytes:
    """A PNG portrait (head, hair and shoulders on a plain background) for this seed."""
    rng = random.Random(zlib.crc32(seed.encode()))
    image = Image.new("RGB", (SIDE, SIDE), rng.choice(BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    skin, hair, clothes = rng.choice(SKINS), rng.choice(HAIRS), rng.choice(CLOTHES)
    shift = rng.randint(-12, 12)
    draw.ellipse((40 + shift, 225, 280 + shift, 430), fill=clothes)
    draw.rectangle((138 + shift, 175, 182 + shift, 240), fill=skin)
    head = (100 + shift, 60, 220 + shift, 200)
    if rng.random() < 0.4:  # long hair behind the head
        draw.rounded_rectangle((88 + shift, 52, 232 + shift, 235), radius=50, fill=hair)
    draw.ellipse(head, fill=skin)
    draw.chord((96 + shift, 48, 224 + shift, 150 + rng.randint(0, 25)), 180, 360, fill=hair)
    for eye in (135, 175):
        draw.ellipse((eye + shift, 122, eye + 10 + shift, 132), fill="#1f2328")
    draw.arc((140 + shift, 140, 180 + shift, 172), 20, 160, fill="#7c2d12", width=3)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


CLIENTS = ("public", "company", "association", "individual")
SETTINGS = ("une commune", "une PME", "une association", "un particulier")


def demo_references(email: str, profile: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """One reference for about half the people with competences, built from their first one."""
    seed = zlib.crc32(email.encode())
    skills = profile.get("skills") or []
    if seed % 2 or not skills:
        return []
    which = seed % len(CLIENTS)
    skill = skills[0]["name"]
    return [
        {
            "title": f"{skill} pour {SETTINGS[which]}",
            "client_type": CLIENTS[which],
            "year": year - seed % 4,
            "description": f"Mission menée de bout en bout\u00a0: {skill.lower()}, "
            "du premier rendez-vous à la livraison.",
            "link": None,
        }
    ]
