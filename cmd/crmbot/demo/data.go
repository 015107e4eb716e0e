package demo

import (
	"math/rand/v2"
	"strings"

	"github.com/crmbot/crmbot/domain"
)

// choice is a weighted list to draw from.
type choice[T any] struct {
	items []T
	cum   []int // running totals of the weights
}

// weighted builds a choice from items and their weights, given in the same
// order.
func weighted[T any](items []T, weights ...int) choice[T] {
	if len(items) != len(weights) {
		panic("demo: items and weights differ in length")
	}
	c := choice[T]{items: items, cum: make([]int, len(weights))}
	total := 0
	for i, w := range weights {
		total += w
		c.cum[i] = total
	}
	return c
}

// uniform builds a choice where every item is as likely.
func uniform[T any](items ...T) choice[T] {
	w := make([]int, len(items))
	for i := range w {
		w[i] = 1
	}
	return weighted(items, w...)
}

// pick draws one item.
func (c choice[T]) pick(r *rand.Rand) T {
	n := r.IntN(c.cum[len(c.cum)-1])
	lo, hi := 0, len(c.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if c.cum[mid] > n {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return c.items[lo]
}

// name is a first or last name with its form for email addresses: lower
// case ASCII letters and hyphens.
type name struct {
	text, slug string
}

func names(list string) []name {
	var out []name
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		out = append(out, name{n, slug(n)})
	}
	return out
}

// slug folds accents and case away and keeps letters, digits and hyphens:
// "Le Gall" gives "legall", "Hélène" gives "helene".
func slug(s string) string {
	var b strings.Builder
	for _, r := range domain.Fold(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	womenNames = uniform(names(`Hélène, Zoé, Chloé, Léa, Manon, Camille, Inès, Jeanne, Louise, Anaïs,
		Émilie, Céline, Nathalie, Sophie, Isabelle, Valérie, Sandrine, Aurélie, Mélanie, Élodie, Laëtitia,
		Agnès, Béatrice, Cécile, Margaux, Clémence, Noémie, Océane, Maëlle, Gaëlle, Solène, Séverine, Marie,
		Juliette, Pauline, Claire, Françoise, Brigitte, Mireille, Véronique, Joëlle, Anne, Lucie, Sarah,
		Yasmine, Fatima, Amélie, Éloïse, Léna, Capucine, Anne-Sophie, Marie-Claire`)...)
	menNames = uniform(names(`François, Loïc, Jérôme, Stéphane, Frédéric, Sébastien, Benoît, Hervé, Gaël,
		Noël, Raphaël, Joël, Mickaël, Jean, Pierre, Nicolas, Julien, Thomas, Maxime, Antoine, Hugo, Lucas,
		Théo, Mathéo, Léo, Clément, Rémi, Jérémy, Cédric, Thierry, Éric, Olivier, Laurent, Philippe, Bruno,
		Didier, Patrick, Alain, Yannick, Gaëtan, Anthony, Karim, Mehdi, Yanis, Bastien, Adrien, Arnaud,
		Grégoire, André, Étienne, Jean-Pierre, Jean-Marc`)...)
	lastNames = uniform(names(`Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy,
		Moreau, Simon, Laurent, Lefèvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel,
		Girard, André, Lefebvre, Mercier, Dupont, Lambert, Bonnet, François, Martinez, Legrand, Garnier,
		Faure, Rousseau, Blanc, Guérin, Muller, Henry, Roussel, Nicolas, Perrin, Morin, Mathieu, Clément,
		Gauthier, Dumont, Lopez, Fontaine, Chevalier, Robin, Masson, Sanchez, Gérard, Nguyen, Boyer, Denis,
		Lemaire, Duval, Joly, Gautier, Roger, Roche, Roy, Noël, Meyer, Lucas, Meunier, Pérez, Marchand,
		Dufour, Blanchard, Barbier, Brun, Dumas, Brunet, Schmitt, Leroux, Colin, Fernandez, Renard, Arnaud,
		Rolland, Caron, Aubert, Giraud, Leclerc, Vidal, Bourgeois, Renaud, Lemoine, Picard, Gaillard,
		Lacroix, Fabre, Dupuis, Olivier, Rodriguez, Da Silva, Hubert, Guillot, Rivière, Le Gall, Guillaume,
		Rey, Moulin, Berger, Lecomte, Ménard, Fleury, Deschamps, Carpentier, Maillard, Aubry, Vasseur,
		Le Roux, Renault, Jacquet, Prévost, Poirier, Charpentier, Huet, Baron, Dupuy, Carré, Breton, Rémy,
		Schneider, Perrot, Guyot, Marty, Cousin, Dupré, Lebrun, Bouvier, Hoarau, Béranger, Lemaître,
		Chauvin, Lévêque, Bérard, Kieffer, Le Goff, Tessier, Besnard, N'Diaye, Benali, Haddad`)...)
)

// place is a city with its country, time zone and the share of English
// speakers there, in percent.
type place struct {
	city, country, tz string
	english           int
	phone             phonePlan
}

func places(country, tz string, english int, phone phonePlan, cities string, weights ...int) choice[place] {
	var ps []place
	for _, c := range strings.Split(cities, ",") {
		ps = append(ps, place{strings.TrimSpace(c), country, tz, english, phone})
	}
	return weighted(ps, weights...)
}

var (
	franceCities = places("FR", "", 3, frMobile, `Paris, Lyon, Marseille, Toulouse, Nice, Nantes, Strasbourg,
		Montpellier, Bordeaux, Lille, Rennes, Reims, Le Havre, Saint-Étienne, Toulon, Grenoble, Dijon, Angers,
		Nîmes, Clermont-Ferrand, Le Mans, Aix-en-Provence, Brest, Tours, Amiens, Limoges, Annecy, Perpignan,
		Besançon, Metz, Orléans, Rouen, Caen, Mulhouse, Nancy, Montreuil, Roubaix, Avignon, Poitiers, Pau,
		La Rochelle, Quimper, Bayonne, Colmar, Chambéry, Vannes, Saint-Malo, Troyes, Béziers, Valence, Ajaccio`,
		40, 12, 11, 9, 6, 7, 6, 6, 7, 7, 5, 3, 3, 3, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2,
		2, 2, 2, 3, 2, 2, 2, 2, 1, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
	belgiumCities     = places("BE", "Europe/Brussels", 10, beMobile, "Bruxelles, Liège, Namur, Charleroi, Mons, Louvain-la-Neuve", 8, 4, 2, 2, 2, 1)
	switzerlandCities = places("CH", "Europe/Zurich", 10, chMobile, "Genève, Lausanne, Neuchâtel, Fribourg, Sion", 6, 4, 2, 2, 1)
	canadaCities      = places("CA", "America/Toronto", 25, caMobile, "Montréal, Québec, Gatineau, Sherbrooke, Trois-Rivières", 8, 4, 2, 1, 1)
	countries         = weighted([]choice[place]{franceCities, belgiumCities, switzerlandCities, canadaCities}, 86, 6, 4, 4)
)

// sector is a business sector with the shapes of its company names: {L}
// stands for a last name, {F} for a first name, {C} for the city.
type sector struct {
	name      string
	companies choice[string]
}

var sectors = weighted([]sector{
	{"commerce", uniform("Épicerie {L}", "Librairie {L}", "Fleurs {L}", "Optique {L}", "Quincaillerie {L}", "Cave {L}", "{L} Distribution", "Maison {L}")},
	{"btp", uniform("SARL {L} BTP", "{L} Construction", "Maçonnerie {L}", "Menuiserie {L}", "{L} & Fils", "Plomberie {L}", "Charpentes {L}", "Électricité {L}")},
	{"services", uniform("{L} Nettoyage", "Transports {L}", "Garage {L}", "{L} Informatique", "Expertise comptable {L}", "Agence {L}", "Pressing {L}")},
	{"agroalimentaire", uniform("Boulangerie {L}", "Fromagerie {L}", "Biscuiterie {L}", "Laiterie {L}", "Brasserie {L}", "{L} Traiteur", "Conserverie de {C}")},
	{"industrie", uniform("{L} Industrie SAS", "Mécanique {L}", "Plasturgie {L}", "Ateliers {L}", "{L} Usinage", "Chaudronnerie {L}")},
	{"santé", uniform("Pharmacie {L}", "Cabinet médical {L}", "Laboratoire {L}", "Clinique vétérinaire {L}", "Centre dentaire de {C}", "Kinésithérapie {L}")},
	{"tourisme", uniform("Hôtel {L}", "Restaurant Chez {F}", "Gîtes {L}", "Camping de {C}", "{L} Voyages", "Auberge {L}")},
	{"conseil", uniform("Cabinet {L} Conseil", "{L} Consulting", "{L} & Associés", "EI {F} {L}")},
	{"numérique", uniform("{L} Digital", "Studio {L}", "{L} Web", "Agence {L} Numérique")},
	{"immobilier", uniform("{L} Immobilier", "Agence immobilière {L}", "Foncière {L}")},
}, 18, 15, 14, 10, 9, 8, 8, 9, 6, 3)

// role is a job title in its masculine and feminine forms.
type role struct{ m, f string }

var (
	smallRoles = weighted([]role{
		{"gérant", "gérante"}, {"fondateur", "fondatrice"}, {"artisan", "artisane"}, {"assistant", "assistante"},
		{"comptable", "comptable"}, {"responsable achats", "responsable achats"}, {"président", "présidente"},
	}, 40, 14, 10, 12, 8, 8, 8)
	largeRoles = weighted([]role{
		{"PDG", "PDG"}, {"directeur général", "directrice générale"}, {"directeur commercial", "directrice commerciale"},
		{"responsable achats", "responsable achats"}, {"assistant de direction", "assistante de direction"},
		{"comptable", "comptable"}, {"responsable marketing", "responsable marketing"},
		{"chef de projet", "cheffe de projet"}, {"directeur administratif et financier", "directrice administrative et financière"},
		{"office manager", "office manager"}, {"responsable d'exploitation", "responsable d'exploitation"},
		{"technicien", "technicienne"},
	}, 6, 6, 10, 14, 10, 8, 8, 8, 5, 6, 6, 5)
)

var (
	sources = weighted([]string{"web", "salon", "referral", "ads", "linkedin", "partenaire", "emailing", "prospection"},
		28, 12, 18, 14, 8, 6, 6, 8)
	// firstChannels gives, for each source, the first-contact channel.
	firstChannels = map[string]choice[string]{
		"web":         weighted([]string{"site form", "email", "phone"}, 70, 15, 15),
		"ads":         weighted([]string{"ads", "site form", "phone"}, 55, 35, 10),
		"salon":       weighted([]string{"phone", "email"}, 60, 40),
		"referral":    weighted([]string{"phone", "email", "site form"}, 55, 35, 10),
		"linkedin":    weighted([]string{"email", "phone"}, 70, 30),
		"partenaire":  weighted([]string{"phone", "email"}, 50, 50),
		"emailing":    weighted([]string{"email", "site form"}, 75, 25),
		"prospection": weighted([]string{"phone", "email"}, 80, 20),
	}
)

var (
	products = uniform("site vitrine", "site e-commerce", "logiciel de caisse", "maintenance informatique",
		"formation commerciale", "audit énergétique", "téléphonie", "copieurs", "mobilier de bureau",
		"contrat d'entretien", "vidéosurveillance", "fournitures")
	lostReasons = uniform("budget insuffisant", "parti chez un concurrent", "projet abandonné", "plus de réponse", "prix trop élevé")
)

// interaction kinds by the contact's situation: an open lead, an ongoing
// sale, a customer, and the signals of a hot lead.
var (
	leadKinds = weighted([]domain.InteractionKind{domain.EmailSent, domain.EmailOpened, domain.Click, domain.Form, domain.Download, domain.Call, domain.Request},
		25, 25, 14, 10, 10, 11, 5)
	dealKinds = weighted([]domain.InteractionKind{domain.Call, domain.Meeting, domain.EmailSent, domain.EmailOpened, domain.Click, domain.Request, domain.Visit, domain.Form, domain.Download},
		20, 12, 20, 18, 8, 8, 6, 4, 4)
	customerKinds = weighted([]domain.InteractionKind{domain.Call, domain.EmailSent, domain.EmailOpened, domain.Meeting, domain.Visit, domain.Request, domain.Click},
		20, 20, 20, 10, 10, 10, 10)
	hotKinds = weighted([]domain.InteractionKind{domain.Form, domain.Download, domain.Request, domain.EmailOpened, domain.Click, domain.Call},
		20, 15, 20, 20, 15, 10)
)

// notes are what the team writes when logging each kind of interaction.
var notes = map[domain.InteractionKind]choice[string]{
	domain.Call:        uniform("", "appel de découverte", "relance du devis", "point sur le besoin", "rappel demandé", "messagerie, rappeler"),
	domain.Meeting:     uniform("", "rendez-vous sur site", "démonstration produit", "présentation de l'offre", "signature prévue"),
	domain.EmailSent:   uniform("", "envoi de la plaquette", "envoi du devis", "relance", "compte rendu du rendez-vous"),
	domain.EmailOpened: uniform("", "newsletter", "devis", "invitation au salon"),
	domain.Click:       uniform("", "lien tarifs", "lien démonstration", "lien webinaire"),
	domain.Form:        uniform("formulaire de contact", "demande de rappel", "inscription au webinaire"),
	domain.Download:    uniform("livre blanc", "catalogue", "fiche produit", "étude de cas"),
	domain.Request:     uniform("demande de devis", "demande de tarif", "question technique", "demande de démonstration"),
	domain.Visit:       uniform("", "visite client", "installation", "visite de courtoisie"),
}
