package main

import "strings"

// list splits a comma-separated word list, trimming each word.
func list(s string) []string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// The word lists are deliberately unlike crmbot demo's: other first and
// last names, sectors, cities and countries, so that nothing was tuned on
// them.
var (
	firstNames = list(`Zoé, Anaïs, Jérôme, Françoise, Çağla, José, João, Søren, Maëlle, Noël, Inès, Björn,
		Ángel, Łukasz, Renée, Agnès, Thibault, Gaëtan, Mériem, Oumar, Aïcha, Chloé, Loïc, Hélène, Raphaël,
		Ségolène, Kévin, Mathis, Yasmine, Pál, Dóra, Núria, Iñaki, Małgorzata, Ève, Anouk, Lúcia, Giulia,
		Matteo, Sven, Ingrid, Fatoumata, Moussa, Kofi, Ngozi, Thu, Minh, Aurélien, Rozenn, Gwenaël`)
	lastNames = list(`Müller, Núñez, Nguyễn, Østergaard, Ben Saïd, O'Brien, D'Angelo, Van der Berg, Łukowski,
		García, Fernández, Kowalczyk, Dubois-Lefèvre, Le Bihan, Ndiaye, Traoré, Koné, Diallo, Benoît,
		Gonçalves, Sørensen, Schröder, Ćorić, Papadopoulos, Rossi, Bianchi, Esposito, Öztürk, Yılmaz,
		Mbappé, Lefèbvre, Delacroix, Château, Brûlé, Évrard, Ibáñez, Álvarez, Jourdain, Kergoat, Quéré,
		Abgrall, Tanguy, Pérez, Hoffmann, Weiß, Janssens, Peeters, De Smet, Claes, Nakamura`)
	// sectors and their weights: agro (what the bench's find filters on)
	// is one in nine, not the largest.
	sectors       = list(`agro, logistique, énergie, éducation, retail, viticulture, pêche, artisanat, finance, assurance, transport, médias, sport, chimie, textile`)
	sectorWeights = []int{11, 9, 6, 5, 12, 4, 2, 8, 5, 4, 9, 3, 3, 4, 3}
	companyShapes = list(`{L} SA, Groupe {L}, {L} & Cie, Coopérative {L}, {L} GmbH, Établissements {L}, {L} S.L., Maison {L}, {L} Ltd, Atelier {F}`)
	roles         = list(`gérant, directrice, acheteur, CTO, responsable qualité, chargé d'affaires, DAF, responsable logistique, stagiaire, associée`)
	products      = list(`ERP, capteurs IoT, flotte de véhicules, formation, audit RGPD, panneaux solaires, logiciel de paie, emballages, cloud privé, conseil`)
	sources       = list(`salon, partenaire, site, bouche-à-oreille, appel d'offres, import, réseau, webinaire`)
	channels      = list(`phone, email, visio, courrier, whatsapp`)
	tagWords      = list(`export, grand compte, pme, public, priorité, relance, b2b, b2c`)
	genders       = list(`f, m, x`)
	owners        = list(`alice, bruno, chloé, dmitri`)
	noteWords     = list(`livraison, express, urgent, remise 5 %, "acompte", réassort, devis n°42, commande téléphonique, salon de Lyon, reprise`)
	// stageWords mixes English and French names, as a real export does.
	stageWords   = list(`lead, piste, prospect, qualified, prospect-assuré, customer, client, lost, perdu`)
	stageWeights = []int{10, 5, 8, 4, 3, 40, 20, 6, 4}
	kinds        = list(`call, meeting, email, email-opened, click, form, download, request, visit`)
)

// place is a city with its country, a time zone (often left empty, as
// most files do) and the calling code and trunk prefix of its mobiles.
type place struct {
	city, country, tz, lang, cc, mobile string
}

var places = []place{
	{"Dakar", "SN", "Africa/Dakar", "fr", "221", "7"},
	{"Abidjan", "CI", "Africa/Abidjan", "fr", "225", "07"},
	{"Casablanca", "MA", "Africa/Casablanca", "fr", "212", "6"},
	{"Tunis", "TN", "Africa/Tunis", "fr", "216", "2"},
	{"Bâle", "CH", "Europe/Zurich", "de", "41", "7"},
	{"Köln", "DE", "Europe/Berlin", "de", "49", "15"},
	{"München", "DE", "Europe/Berlin", "de", "49", "17"},
	{"Málaga", "ES", "Europe/Madrid", "es", "34", "6"},
	{"A Coruña", "ES", "Europe/Madrid", "es", "34", "6"},
	{"Porto", "PT", "Europe/Lisbon", "pt", "351", "9"},
	{"Kraków", "PL", "Europe/Warsaw", "pl", "48", "5"},
	{"Gent", "BE", "Europe/Brussels", "nl", "32", "4"},
	{"Luxembourg", "LU", "Europe/Luxembourg", "fr", "352", "6"},
	{"Saint-Denis", "RE", "Indian/Reunion", "fr", "262", "692"},
	{"Pointe-à-Pitre", "GP", "America/Guadeloupe", "fr", "590", "690"},
	{"Brive-la-Gaillarde", "FR", "", "fr", "33", "6"},
	{"Châteauroux", "FR", "", "fr", "33", "7"},
	{"Évry", "FR", "", "fr", "33", "6"},
	{"Saint-Nazaire", "FR", "", "fr", "33", "6"},
	{"Île-Rousse", "FR", "", "fr", "33", "7"},
}
