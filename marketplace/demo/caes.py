"""The fictional CAEs of the demo: names, places, sectors, and how their members are spread.

None of them is a real cooperative; the web addresses use the reserved `.example` domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoCae:
    name: str
    city: str
    department: str
    website: str
    sectors: tuple[str, ...]
    description: str
    #: Where its members live: (city, department code), the first ones more often.
    places: tuple[tuple[str, str], ...]
    #: Relative number of members.
    weight: int
    #: Relative share of each sector (keys of sectors.SECTORS) among its members.
    sector_weights: dict[str, int]
    #: Regional languages some members speak, with their probability.
    languages: dict[str, float] = field(default_factory=dict)
    #: Slug used in the e-mail of its support team's account.
    slug: str = ""
    #: The name with its article, for sentences: "la Ruche Atlantique", "Île Coop Services".
    the: str = ""
    #: Preceded by "de": "de la Ruche Atlantique", "d'Île Coop Services".
    of: str = ""


CAES: tuple[DemoCae, ...] = (
    DemoCae(
        name="Coopérative Rhône Activités",
        city="Lyon",
        department="69",
        website="https://rhone-activites.example",
        sectors=("Bâtiment", "Rénovation énergétique", "Numérique", "Conseil", "Formation"),
        description=(
            "Coopérative d'activité et d'emploi de la métropole lyonnaise depuis 2004. Nous "
            "accompagnons plus de 300 entrepreneur·es salarié·es, avec un pôle bâtiment et "
            "rénovation énergétique qui porte la qualification RGE pour ses membres."
        ),
        places=(
            ("Lyon", "69"), ("Lyon", "69"), ("Villeurbanne", "69"), ("Vénissieux", "69"),
            ("Oullins", "69"), ("Caluire-et-Cuire", "69"), ("Villefranche-sur-Saône", "69"),
            ("Givors", "69"), ("Tarare", "69"), ("Saint-Étienne", "42"),
            ("Bourg-en-Bresse", "01"), ("Vienne", "38"),
        ),
        weight=14,
        sector_weights={"renovation": 6, "batiment": 5, "numerique": 3, "conseil": 3,
                        "formation": 3, "artisanat": 1, "services": 1, "arts": 1},
        slug="rhone",
        the="la Coopérative Rhône Activités",
        of="de la Coopérative Rhône Activités",
    ),
    DemoCae(
        name="Ruche Atlantique",
        city="Nantes",
        department="44",
        website="https://ruche-atlantique.example",
        sectors=("Artisanat", "Services", "Numérique", "Agriculture"),
        description=(
            "Une ruche d'activités entre Loire et océan : artisan·es, prestataires de "
            "services, maraîcher·es et développeur·ses partagent ici un cadre salarié et des "
            "services mutualisés (comptabilité, assurance, formation)."
        ),
        places=(
            ("Nantes", "44"), ("Nantes", "44"), ("Saint-Nazaire", "44"), ("Rezé", "44"),
            ("Saint-Herblain", "44"), ("Clisson", "44"), ("Angers", "49"),
            ("La Roche-sur-Yon", "85"), ("Cholet", "49"),
        ),
        weight=10,
        sector_weights={"artisanat": 4, "services": 4, "numerique": 3, "agriculture": 3,
                        "batiment": 1, "arts": 2, "conseil": 1},
        slug="atlantique",
        the="la Ruche Atlantique",
        of="de la Ruche Atlantique",
    ),
    DemoCae(
        name="Alpes Entreprendre Ensemble",
        city="Grenoble",
        department="38",
        website="https://alpes-entreprendre.example",
        sectors=("Bâtiment", "Rénovation énergétique", "Conseil", "Formation"),
        description=(
            "CAE généraliste du sillon alpin. Nos collectifs « éco-construction » et "
            "« formation » répondent ensemble aux appels d'offres des collectivités de l'Isère "
            "et de la Savoie."
        ),
        places=(
            ("Grenoble", "38"), ("Grenoble", "38"), ("Échirolles", "38"),
            ("Saint-Martin-d'Hères", "38"), ("Voiron", "38"), ("Chambéry", "73"),
            ("Annecy", "74"), ("Valence", "26"), ("Crest", "26"),
        ),
        weight=10,
        sector_weights={"renovation": 4, "batiment": 3, "conseil": 3, "formation": 3,
                        "numerique": 2, "arts": 1, "agriculture": 1},
        slug="alpes",
        the="Alpes Entreprendre Ensemble",
        of="d'Alpes Entreprendre Ensemble",
    ),
    DemoCae(
        name="Terres d'Oc Coopérative",
        city="Toulouse",
        department="31",
        website="https://terres-doc.example",
        sectors=("Agriculture", "Artisanat", "Arts et culture", "Services"),
        description=(
            "De la Garonne aux Pyrénées, Terres d'Oc héberge des activités agricoles, "
            "artisanales et culturelles. Associé·es depuis 2011, nous faisons vivre une "
            "gouvernance « une personne, une voix »."
        ),
        places=(
            ("Toulouse", "31"), ("Toulouse", "31"), ("Colomiers", "31"), ("Muret", "31"),
            ("Saint-Gaudens", "31"), ("Albi", "81"), ("Montauban", "82"), ("Auch", "32"),
            ("Foix", "09"),
        ),
        weight=9,
        sector_weights={"agriculture": 4, "artisanat": 3, "arts": 3, "services": 3,
                        "formation": 1, "numerique": 1, "renovation": 1},
        languages={"Occitan": 0.06},
        slug="oc",
        the="Terres d'Oc Coopérative",
        of="de Terres d'Oc Coopérative",
    ),
    DemoCae(
        name="Nord Solidaire Activités",
        city="Lille",
        department="59",
        website="https://nord-solidaire.example",
        sectors=("Services", "Bâtiment", "Formation", "Numérique"),
        description=(
            "Coopérative des Hauts-de-France tournée vers les services aux habitant·es et aux "
            "entreprises, le bâtiment et la formation. Nous favorisons la sous-traitance entre "
            "membres avant de chercher à l'extérieur."
        ),
        places=(
            ("Lille", "59"), ("Lille", "59"), ("Roubaix", "59"), ("Tourcoing", "59"),
            ("Villeneuve-d'Ascq", "59"), ("Dunkerque", "59"), ("Valenciennes", "59"),
            ("Arras", "62"), ("Lens", "62"), ("Amiens", "80"),
        ),
        weight=9,
        sector_weights={"services": 4, "batiment": 3, "formation": 3, "numerique": 2,
                        "renovation": 2, "conseil": 1, "artisanat": 1},
        slug="nord",
        the="Nord Solidaire Activités",
        of="de Nord Solidaire Activités",
    ),
    DemoCae(
        name="Île Coop Services",
        city="Paris",
        department="75",
        website="https://ile-coop-services.example",
        sectors=("Numérique", "Conseil", "Formation", "Arts et culture"),
        description=(
            "CAE francilienne des métiers du conseil, du numérique, de la formation et de la "
            "culture. Un lieu partagé à Montreuil, des ateliers entre pairs chaque mois."
        ),
        places=(
            ("Paris", "75"), ("Paris", "75"), ("Paris", "75"), ("Montreuil", "93"),
            ("Saint-Denis", "93"), ("Pantin", "93"), ("Vincennes", "94"),
            ("Ivry-sur-Seine", "94"), ("Nanterre", "92"), ("Boulogne-Billancourt", "92"),
            ("Versailles", "78"),
        ),
        weight=12,
        sector_weights={"numerique": 5, "conseil": 5, "formation": 3, "arts": 3,
                        "services": 1, "renovation": 1},
        slug="ile",
        the="Île Coop Services",
        of="d'Île Coop Services",
    ),
    DemoCae(
        name="Bretagne Coop'Actifs",
        city="Rennes",
        department="35",
        website="https://bretagne-coopactifs.example",
        sectors=("Artisanat", "Agriculture", "Bâtiment", "Services"),
        description=(
            "Entre Rennes et la pointe du Finistère, Coop'Actifs réunit artisan·es du "
            "bâtiment et des métiers d'art, paysan·nes et prestataires de services."
        ),
        places=(
            ("Rennes", "35"), ("Rennes", "35"), ("Saint-Malo", "35"), ("Vitré", "35"),
            ("Brest", "29"), ("Quimper", "29"), ("Morlaix", "29"), ("Lorient", "56"),
            ("Vannes", "56"), ("Saint-Brieuc", "22"),
        ),
        weight=8,
        sector_weights={"artisanat": 3, "agriculture": 3, "batiment": 3, "services": 2,
                        "renovation": 2, "arts": 1, "numerique": 1},
        languages={"Breton": 0.07},
        slug="bretagne",
        the="Bretagne Coop'Actifs",
        of="de Bretagne Coop'Actifs",
    ),
    DemoCae(
        name="Océan Indien Coopérative",
        city="Saint-Denis",
        department="974",
        website="https://ocean-indien-coop.example",
        sectors=("Services", "Agriculture", "Numérique", "Artisanat"),
        description=(
            "Coopérative d'activité et d'emploi réunionnaise : services à la personne, "
            "agriculture lontan et bio, numérique et artisanat, du nord au sud de l'île."
        ),
        places=(
            ("Saint-Denis", "974"), ("Saint-Denis", "974"), ("Saint-Pierre", "974"),
            ("Saint-Paul", "974"), ("Le Tampon", "974"), ("Saint-André", "974"),
            ("Saint-Louis", "974"), ("Saint-Benoît", "974"),
        ),
        weight=6,
        sector_weights={"services": 3, "agriculture": 3, "numerique": 2, "artisanat": 2,
                        "formation": 1, "renovation": 1},
        languages={"Créole réunionnais": 0.7},
        slug="reunion",
        the="Océan Indien Coopérative",
        of="d'Océan Indien Coopérative",
    ),
)  # fmt: skip
