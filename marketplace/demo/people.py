"""Names of the demo's fictional people: as diverse as the people who work in French CAEs."""

from __future__ import annotations

#: (first name, "f" or "m"): the grammatical gender used for headlines and bios.
FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("Camille", "f"), ("Léa", "f"), ("Manon", "f"), ("Chloé", "f"), ("Inès", "f"),
    ("Sarah", "f"), ("Julie", "f"), ("Élodie", "f"), ("Sophie", "f"), ("Claire", "f"),
    ("Nathalie", "f"), ("Isabelle", "f"), ("Aurélie", "f"), ("Céline", "f"), ("Émilie", "f"),
    ("Pauline", "f"), ("Anaïs", "f"), ("Mathilde", "f"), ("Louise", "f"), ("Margaux", "f"),
    ("Fatima", "f"), ("Yasmine", "f"), ("Nadia", "f"), ("Samira", "f"), ("Leïla", "f"),
    ("Amina", "f"), ("Aïssatou", "f"), ("Fatoumata", "f"), ("Awa", "f"), ("Mariama", "f"),
    ("Ana", "f"), ("Inês", "f"), ("Lucía", "f"), ("Giulia", "f"), ("Katarzyna", "f"),
    ("Linh", "f"), ("Mei", "f"), ("Thi Hoa", "f"), ("Nour", "f"), ("Zoé", "f"),
    ("Gwenaëlle", "f"), ("Maïwenn", "f"), ("Soizic", "f"), ("Marie-Laure", "f"),
    ("Anne-Sophie", "f"), ("Brigitte", "f"), ("Martine", "f"), ("Sylvie", "f"), ("Rose", "f"),
    ("Justine", "f"), ("Agathe", "f"), ("Clémence", "f"), ("Héloïse", "f"), ("Salomé", "f"),
    ("Lucas", "m"), ("Thomas", "m"), ("Nicolas", "m"), ("Julien", "m"), ("Maxime", "m"),
    ("Antoine", "m"), ("Pierre", "m"), ("Guillaume", "m"), ("Romain", "m"), ("Benoît", "m"),
    ("François", "m"), ("Laurent", "m"), ("Olivier", "m"), ("Sébastien", "m"), ("Arnaud", "m"),
    ("Hugo", "m"), ("Théo", "m"), ("Mathis", "m"), ("Baptiste", "m"), ("Adrien", "m"),
    ("Karim", "m"), ("Mehdi", "m"), ("Yacine", "m"), ("Samir", "m"), ("Rachid", "m"),
    ("Bilal", "m"), ("Moussa", "m"), ("Mamadou", "m"), ("Ibrahima", "m"), ("Abdoulaye", "m"),
    ("João", "m"), ("Miguel", "m"), ("Diego", "m"), ("Marco", "m"), ("Tomasz", "m"),
    ("Minh", "m"), ("Kevin", "m"), ("Dylan", "m"), ("Erwan", "m"), ("Yann", "m"),
    ("Loïc", "m"), ("Gaël", "m"), ("Jean-Marc", "m"), ("Jean-Pierre", "m"), ("Patrick", "m"),
    ("Didier", "m"), ("Philippe", "m"), ("Marc", "m"), ("Jérôme", "m"), ("Vincent", "m"),
    ("Alexis", "m"), ("Félix", "m"), ("Gabriel", "m"), ("Rémi", "m"), ("Ludovic", "m"),
    ("Dominique", "f"), ("Sacha", "m"), ("Alix", "f"), ("Charlie", "m"), ("Morgane", "f"),
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier",
    "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen",
    "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël",
    "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand", "Dufour", "Blanchard", "Barbier",
    "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez", "Renaud", "Arnaud",
    "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renard", "Lemoine",
    "Picard", "Gaillard", "Philippe", "Leclercq", "Lacroix", "Fabre", "Dupuis", "Olivier",
    "Rodriguez", "Da Silva", "Pereira", "Ferreira", "Dos Santos", "Rossi", "Bianchi",
    "Kowalski", "Nowak", "Benali", "Bensaïd", "Haddad", "Mansouri", "Belkacem", "Cherif",
    "Boukhris", "Diallo", "Traoré", "Koné", "Diop", "N'Diaye", "Camara", "Sow", "Cissé",
    "Tran", "Pham", "Le", "Vo", "Chen", "Wang", "Le Gall", "Le Goff", "Kerjean", "Tanguy",
    "Quéméner", "Le Bihan", "Etcheverry", "Arrieta", "Santoni", "Casanova", "Payet", "Hoarau",
    "Grondin", "Fontaine-Payet", "Técher", "Boyer-Hoarau", "Rivière", "Lebon", "Ramassamy",
    "Virapoullé", "Abadie", "Castaing", "Laborde", "Lafitte", "Béranger", "Auclair",
)  # fmt: skip

#: Languages besides French, with the probability that a member speaks them.
LANGUAGES: tuple[tuple[str, float], ...] = (
    ("Anglais", 0.38),
    ("Espagnol", 0.12),
    ("Allemand", 0.06),
    ("Italien", 0.04),
    ("Arabe", 0.06),
    ("Portugais", 0.05),
    ("Langue des signes française (LSF)", 0.02),
)
