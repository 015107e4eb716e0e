package domain

import "strings"

// French is every French word crmbot reads for a command, a pipeline stage
// or an interaction kind, in one table: the command parser, ParseStage and
// ParseInteractionKind all read it, and the README lists it. A word is
// looked up folded (Fold), so that gagné, gagne and GAGNÉ are one word.
// Words French writes as English does (score, top, pipeline, segment,
// prospect) are not repeated here.
var French = struct {
	Commands map[string]string // word → command name
	Stages   map[string]Stage
	Kinds    map[string]InteractionKind
	// Words are the other words of commands (subcommands and keywords:
	// survey send … to, digest post, sort=), French → English.
	Words map[string]string
}{
	Commands: map[string]string{
		"aide":    "help",
		"ajouter": "add", "ajoute": "add", "nouveau": "add", "créer": "add",
		"modifier": "edit", "modifie": "edit",
		"voir": "show", "fiche": "show", "afficher": "show",
		"chercher": "find", "cherche": "find", "rechercher": "find", "trouver": "find", "lister": "find",
		"déplacer": "move", "déplace": "move", "passer": "move",
		"noter": "log", "note": "log",
		"vente": "sale", "vendu": "sale",
		"meilleurs": "top",
		"pourquoi":  "why",
		"traité":    "handled", "traiter": "handled",
		"inviter":       "invite",
		"questionnaire": "survey", "sondage": "survey", "enquête": "survey",
		"bilan": "digest", "résumé": "digest",
		"oublier": "forget", "effacer": "forget",
		"doublons": "dupes", "fusionner": "merge", "exclus": "suppressed",
		"alertes": "alerts", "suivi": "checkin",
	},
	Stages: map[string]Stage{
		"piste":    Lead,
		"qualifié": Qualified, "prospect-assuré": Qualified, "assuré": Qualified,
		"client": Customer, "gagné": Customer,
		"perdu": Lost,
	},
	Kinds: map[string]InteractionKind{
		"appel": Call,
		"rdv":   Meeting, "rendez-vous": Meeting, "réunion": Meeting,
		"courriel":        EmailSent,
		"courriel-ouvert": EmailOpened, "ouvert": EmailOpened,
		"clic":           Click,
		"formulaire":     Form,
		"téléchargement": Download,
		"demande":        Request,
		"visite":         Visit,
	},
	Words: map[string]string{
		"envoyer": "send", "envoi": "send",
		"reporter": "snooze", "sourdine": "mute", "réactiver": "unmute", "tous": "all", "toutes": "all",
		"liste": "list", "lister": "list",
		"résultats": "results", "résultat": "results",
		"enregistrer": "save", "sauver": "save",
		"supprimer": "delete", "effacer": "delete",
		"aperçu": "preview", "voir": "preview",
		"publier": "post", "poster": "post",
		"confirmer": "confirm", "confirme": "confirm",
		"forcer": "force", "quand-même": "force",
		"à": "to", "pour": "to",
		"simulation": "dry-run", "essai": "dry-run",
		"tri": "sort", "trier": "sort",
		"limite": "limit",
		"dans":   "into", "vers": "into",
		"déclencheurs": "triggers", "déclencheur": "triggers",
		"dormants": "rotting", "dormant": "rotting",
		"profil": "fit", "adéquation": "fit",
		"désinscrit": "opted_out", "désinscrits": "opted_out", "effacé": "erased", "effacés": "erased",

		"échantillon": "sample", "nommer": "name", "désépingler": "unpin", // personas
	},
}

// Keyword returns the English keyword word is, read in English or French,
// folded ("Envoyer" → "send", "SEND" → "send"); another word comes back
// in lower case.
func Keyword(word string) string {
	if w, ok := frenchWords[Fold(word)]; ok {
		return w
	}
	return strings.ToLower(word)
}

var frenchWords = folded(nil, French.Words)

// folded indexes the values of a table of words by their folded form,
// with English names (or aliases) too, for lookups that ignore case and
// accents.
func folded[V any](english map[string]V, french map[string]V) map[string]V {
	out := make(map[string]V, len(english)+len(french))
	for _, m := range []map[string]V{english, french} {
		for w, v := range m {
			out[Fold(w)] = v
		}
	}
	return out
}

// FrenchCommand returns the command a French word names, or "".
func FrenchCommand(word string) string { return frenchCommands[Fold(word)] }

var frenchCommands = folded(nil, French.Commands)
