"""Realistic vocabulary for generated profiles: sectors, their skills, headlines and bios."""

from __future__ import annotations

import random

_FIRST = (
    "Camille Claire Karim Sophie Julien Hélène Thomas Nadia Marc Lucie Antoine Yannick Sandrine "
    "Paul Mehdi Émilie Franck Inès Bastien Léa Hugo Aurélie Jérôme Samia Olivier Marion Kevin "
    "Denis Nicolas Agathe Baptiste Manon Lucas Chloé Maxime Sarah Florian Amandine Vincent Laura "
    "Quentin Élodie Jordan Pauline Mathieu Anaïs Gaëtan Justine Rémi Céline Antonin Mélanie "
    "Damien Isabelle Tom Emma Xavier Nathalie Patrick Sylvie Hervé Valérie Nora Grégoire Ophélie "
    "Margaux Arnaud Juliette Hakim Louise Gilles Pierre Alice Fabien Coralie Stéphane Rose "
    "Benoît Agnès Didier Estelle Loïc Mathilde Yves Cécile François Véronique Ludovic Caroline "
    "Laetitia Marine Alexandre Sébastien Delphine Pascal Adèle Victor Laure Étienne Zoé Bruno "
    "Fatou Aurore Gaëlle Nicole Jonathan Clémence Arthur Sonia Guillaume Anne Jacques Elsa Ahmed"
)
_LAST = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
    "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont "
    "Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry "
    "Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin "
    "Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël "
    "Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet "
    "Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud Leclerc "
    "Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix Fabre Dupuis Olivier"
)
FIRST_NAMES = _FIRST.split()
LAST_NAMES = _LAST.split()
CITIES = {
    "69": "Lyon", "75": "Paris", "13": "Marseille", "31": "Toulouse", "33": "Bordeaux",
    "35": "Rennes", "44": "Nantes", "59": "Lille", "67": "Strasbourg", "73": "Chambéry",
    "38": "Grenoble", "34": "Montpellier", "29": "Brest", "63": "Clermont-Ferrand", "21": "Dijon",
    "37": "Tours", "76": "Rouen", "14": "Caen", "64": "Pau", "974": "Saint-Denis",
}  # fmt: skip

# sector: (skills, headlines, bio sentences)
SECTORS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "building": (
        [
            "Rénovation énergétique",
            "Isolation thermique",
            "Plomberie",
            "Chauffage",
            "Pompe à chaleur",
            "Électricité",
            "Menuiserie",
            "Charpente",
            "Maçonnerie",
            "Carrelage",
            "Peinture",
            "Couverture",
            "Plâtrerie",
            "Ossature bois",
            "Audit énergétique",
            "DPE",
            "Photovoltaïque",
            "Domotique",
            "Enduits à la chaux",
            "Conduite de travaux",
        ],
        [
            "Plombier chauffagiste",
            "Électricienne bâtiment",
            "Menuisier agenceur",
            "Artisan en rénovation énergétique",
            "Maçon du bâti ancien",
            "Charpentière",
            "Carreleur mosaïste",
            "Peintre en bâtiment",
            "Couvreur zingueur",
            "Thermicien",
            "Diagnostiqueuse immobilière",
            "Installateur pompes à chaleur",
        ],
        [
            "J'interviens sur les chantiers de rénovation de maisons anciennes.",
            "Isolation des combles, des murs et des planchers avec des isolants biosourcés.",
            "Dépannage, installation sanitaire et salles de bains clés en main.",
            "Mise aux normes électriques et tableaux pour les logements anciens.",
            "Je travaille avec les aides MaPrimeRénov' et le label RGE.",
            "Fabrication sur mesure en bois local, escaliers et placards.",
            "Audits énergétiques et accompagnement des copropriétés.",
        ],
    ),
    "digital": (
        [
            "Développement web",
            "Python",
            "Django",
            "JavaScript",
            "React",
            "WordPress",
            "PHP",
            "Application mobile",
            "SEO",
            "UX design",
            "Analyse de données",
            "SQL",
            "Webdesign",
            "Accessibilité numérique",
            "E-commerce",
            "Cybersécurité",
            "Administration système",
        ],
        [
            "Développeur web",
            "Développeuse Python",
            "Création de sites internet",
            "UX designer",
            "Consultante SEO",
            "Data analyst",
            "Développeur d'applications mobiles",
            "Webdesigner freelance",
            "Administrateur systèmes et réseaux",
        ],
        [
            "Applications web sur mesure pour associations et coopératives.",
            "Sites vitrines et boutiques en ligne pour les artisans.",
            "Audit de référencement et stratégie de contenus.",
            "Tableaux de bord et automatisation des processus.",
            "Tests utilisateurs et prototypes pour les services publics.",
        ],
    ),
    "communication": (
        [
            "Graphisme",
            "Identité visuelle",
            "Mise en page",
            "Illustration",
            "Photographie",
            "Vidéo",
            "Montage vidéo",
            "Community management",
            "Réseaux sociaux",
            "Rédaction web",
            "Relations presse",
            "Communication",
            "Motion design",
            "Packaging",
        ],
        [
            "Graphiste freelance",
            "Photographe corporate",
            "Vidéaste",
            "Community manager",
            "Rédactrice web",
            "Chargée de communication",
            "Illustratrice jeunesse",
            "Motion designer",
        ],
        [
            "Logos, chartes graphiques et supports imprimés pour les TPE.",
            "Portraits professionnels et reportages d'entreprise.",
            "Films institutionnels, captations et montages.",
            "Animation de comptes Instagram et LinkedIn.",
            "Textes de sites, newsletters et articles de blog.",
        ],
    ),
    "training": (
        [
            "Formation",
            "Formation professionnelle",
            "Bureautique",
            "Coaching",
            "Bilan de compétences",
            "Ingénierie pédagogique",
            "E-learning",
            "Français langue étrangère",
            "Facilitation",
            "Prise de parole en public",
            "Management",
            "Orientation professionnelle",
        ],
        [
            "Formatrice en bureautique",
            "Formateur sécurité",
            "Coach professionnel",
            "Conseillère en bilan de compétences",
            "Professeure de FLE",
            "Concepteur de formations en ligne",
            "Facilitatrice en intelligence collective",
        ],
        [
            "Formations certifiées Qualiopi pour salariés et demandeurs d'emploi.",
            "Accompagnement des reconversions professionnelles.",
            "Ateliers de management et de communication non violente.",
            "Modules e-learning et classes virtuelles.",
        ],
    ),
    "crafts": (
        [
            "Céramique",
            "Poterie",
            "Couture",
            "Retouches",
            "Bijouterie",
            "Tapisserie",
            "Ferronnerie",
            "Ébénisterie",
            "Vitrail",
            "Lutherie",
            "Maroquinerie",
            "Reliure",
            "Restauration de meubles",
            "Soudure",
        ],
        [
            "Céramiste",
            "Potier",
            "Couturière",
            "Bijoutière créatrice",
            "Tapissier d'ameublement",
            "Ferronnier d'art",
            "Ébéniste",
            "Vitrailliste",
            "Luthier",
            "Maroquinière",
        ],
        [
            "Pièces uniques et petites séries dans mon atelier.",
            "Restauration d'objets anciens et créations contemporaines.",
            "Stages et ateliers d'initiation pour adultes et enfants.",
            "Vente sur les marchés de créateurs et en boutique.",
        ],
    ),
    "food": (
        [
            "Boulangerie",
            "Pâtisserie",
            "Cuisine",
            "Traiteur",
            "Cuisine végétarienne",
            "Conserverie",
            "Brasserie artisanale",
            "Torréfaction",
        ],
        ["Boulangère au levain", "Cuisinier traiteur", "Pâtissière", "Brasseur artisanal"],
        [
            "Produits bio et locaux pour AMAP et épiceries.",
            "Buffets, repas d'entreprise et cours de cuisine.",
            "Pains au levain et viennoiseries pour les cafés du quartier.",
        ],
    ),
    "agriculture": (
        [
            "Maraîchage",
            "Agriculture biologique",
            "Permaculture",
            "Apiculture",
            "Viticulture",
            "Arboriculture",
            "Élevage",
            "Herboristerie",
            "Agroécologie",
            "Horticulture",
        ],
        [
            "Maraîcher bio",
            "Maraîchère en permaculture",
            "Apiculteur",
            "Vigneronne",
            "Arboriculteur",
            "Éleveur de brebis",
            "Herboriste",
            "Horticultrice",
        ],
        [
            "Légumes de saison en vente directe et paniers hebdomadaires.",
            "Miel de fleurs, essaims et parrainage de ruches.",
            "Vins nature et accueil au domaine.",
            "Formations à la permaculture et aux jardins partagés.",
        ],
    ),
    "consulting": (
        [
            "Comptabilité",
            "Fiscalité",
            "Paie",
            "Ressources humaines",
            "Recrutement",
            "Droit des affaires",
            "Gestion de projet",
            "Marketing",
            "Business plan",
            "RSE",
            "Bilan carbone",
            "Secrétariat",
            "Économie sociale et solidaire",
            "Traduction",
        ],
        [
            "Comptable indépendant",
            "Consultante RH",
            "Juriste en droit des affaires",
            "Chef de projet",
            "Consultant marketing",
            "Consultante RSE",
            "Secrétaire indépendante",
            "Traductrice anglais-français",
            "Gestionnaire de paie",
        ],
        [
            "Tenue comptable, TVA et bilans pour associations et TPE.",
            "Recrutement et politique RH des PME.",
            "Contrats commerciaux et conseil juridique aux entrepreneurs.",
            "Démarches RSE et bilans carbone pour les collectivités.",
            "Pilotage de projets de transformation dans le secteur associatif.",
        ],
    ),
    "arts": (
        [
            "Musique",
            "Piano",
            "Théâtre",
            "Mise en scène",
            "Danse contemporaine",
            "Sculpture",
            "Sonorisation",
            "Prise de son",
            "Dessin",
            "Bande dessinée",
            "Scénographie",
        ],
        [
            "Musicienne",
            "Comédienne",
            "Ingénieur du son",
            "Danseuse et chorégraphe",
            "Sculpteur",
            "Dessinateur de bande dessinée",
            "Scénographe",
        ],
        [
            "Spectacles, ateliers en milieu scolaire et en entreprise.",
            "Sonorisation de concerts et de festivals.",
            "Créations pour le spectacle vivant et l'espace public.",
        ],
    ),
    "care": (
        [
            "Aide à domicile",
            "Ménage",
            "Garde d'enfants",
            "Naturopathie",
            "Sophrologie",
            "Coiffure",
            "Déménagement",
            "Événementiel",
            "Massage bien-être",
            "Nutrition",
        ],
        [
            "Auxiliaire de vie",
            "Services à la personne",
            "Naturopathe",
            "Sophrologue",
            "Coiffeuse à domicile",
            "Déménageur",
            "Organisatrice d'événements",
        ],
        [
            "Aide aux gestes du quotidien et accompagnement des personnes âgées.",
            "Séances individuelles et ateliers de gestion du stress.",
            "Entretien de la maison et repassage.",
        ],
    ),
}
CERTIFICATIONS = ["RGE", "Qualiopi", "QualiPAC", "Qualifelec", "QualiPV", "Ecocert", "Label bio"]


def profile_text(rng: random.Random) -> dict:
    """Headline, bio, skills and certifications of one generated profile."""
    sector = rng.choice(list(SECTORS))
    skills, headlines, sentences = SECTORS[sector]
    other = SECTORS[rng.choice(list(SECTORS))][0]
    chosen = rng.sample(skills, k=min(len(skills), rng.randint(2, 6)))
    if rng.random() < 0.2:
        chosen.append(rng.choice(other))
    bio = " ".join(rng.sample(sentences, k=min(len(sentences), rng.randint(1, 3))))
    return {
        "headline": rng.choice(headlines),
        "bio": bio,
        "skills": [(name, rng.randint(1, 4)) for name in dict.fromkeys(chosen)],
        "certifications": rng.sample(CERTIFICATIONS, k=rng.choice((0, 0, 0, 1, 1, 2))),
    }
