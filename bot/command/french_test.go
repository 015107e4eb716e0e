package command_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/flows/dupes"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

// french runs commands on an env in French, and keeps the ids of the
// messages the French catalogs lack.
type french struct {
	*env
	ctx     context.Context
	missing []string
}

func inFrench(t *testing.T, e *env) *french {
	f := &french{env: e}
	f.ctx = locale.With(t.Context(), locale.For(locale.French).OnMissing(func(id string) { f.missing = append(f.missing, id) }))
	return f
}

// run runs line in French; an internal error fails the test.
func (f *french) run(t *testing.T, line string) *reply.Reply {
	t.Helper()
	r := f.exec.Run(f.ctx, f.actor, line)
	if r.Error != nil && r.Error.Code == string(domain.Internal) {
		t.Fatalf("%s: internal error %q; log:\n%s", line, r.Error.Message, f.logs.String())
	}
	if r.Lang != locale.French {
		t.Errorf("%s: reply in %q", line, r.Lang)
	}
	return r
}

// ok runs line and fails unless it succeeded and its text holds every one
// of words.
func (f *french) ok(t *testing.T, line string, words ...string) *reply.Reply {
	t.Helper()
	r := f.run(t, line)
	if !r.OK || r.Error != nil {
		t.Fatalf("%s: want success, got %s", line, describeReply(r))
	}
	mustContain(t, line, r.Text(), words...)
	return r
}

// fail runs line and fails unless it failed with code, its message and
// usage holding every one of words.
func (f *french) fail(t *testing.T, line string, code domain.Code, words ...string) *reply.Reply {
	t.Helper()
	r := f.run(t, line)
	if r.OK || r.Error == nil || r.Error.Code != string(code) {
		t.Fatalf("%s: want a %s failure, got %s", line, code, describeReply(r))
	}
	mustContain(t, line, r.Text(), words...)
	return r
}

// checkMissing fails on the missing French of this package's messages and
// logs the others' (other packages' messages, such as domain's errors).
func (f *french) checkMissing(t *testing.T) {
	t.Helper()
	ours := packageStrings(t)
	slices.Sort(f.missing)
	for _, id := range slices.Compact(f.missing) {
		if ours[id] {
			t.Errorf("no French for %q (bot/command)", id)
		} else {
			t.Logf("no French for %q (another package's message)", id)
		}
	}
}

// packageStrings returns the string literals of the package's code.
func packageStrings(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					out[s] = true
				}
			}
			return true
		})
	}
	return out
}

// frenchEnv is surveyEnv with the digest, as an admin (every role).
func frenchEnv(t *testing.T) (*french, *survey.Service) {
	e, svc := surveyEnv(t, "sqlite")
	e.actor = command.Actor{ID: "alice", Roles: command.AllRoles}
	e.exec.Digests = &digest.Service{Store: e.db, Options: digest.Options{Loc: paris},
		Poster: posterFunc(func(context.Context, *digest.Digest) ([]string, error) { return []string{"C0DIGEST"}, nil })}
	e.exec.Dupes = &dupes.Service{Store: e.db}
	e.exec.Merger = &dupes.Merger{Store: e.db, CRM: e.crm, Now: e.clock.Now}
	e.exec.Suppressions = e.db
	e.exec.Personas = &personas.Service{Store: e.db, Now: e.clock.Now, Seed: 1}
	return inFrench(t, e), svc
}

// TestFrenchCommandLanguage types every command in its French words on a
// database with data: each reply is French, and each does what it does in
// English.
func TestFrenchCommandLanguage(t *testing.T) {
	f, svc := frenchEnv(t)
	defer f.checkMissing(t)

	f.ok(t, "aide", "Commandes de crmbot", "Écrire les valeurs", "ajouter <nom> [clé=valeur…]", "aide <commande> montre des exemples", "20/11/2026")
	if r := f.ok(t, "aide voir", "fiche du contact", "exemple", "voir C42"); !strings.HasPrefix(r.Title, "voir — ") {
		t.Errorf("aide voir: title %q", r.Title)
	}

	r := f.ok(t, `ajouter "Marie Curie" entreprise="Radium SA" ville=Lyon secteur=chimie effectif=5`, "Ajouté", "C5 Marie Curie (Radium SA) · piste", "ville", "effectif", "secteur")
	c := r.Data.(*crm.Card).Contact
	if c.Company != "Radium SA" || c.City != "Lyon" || c.Employees != 5 || c.Stage != domain.Lead {
		t.Errorf("ajouter: %+v", c)
	}
	dup := f.fail(t, `ajouter "Marie Curie" entreprise="Radium SA"`, domain.Conflict)
	if len(dup.Actions) != 1 || dup.Actions[0].Label != "Ajouter quand même" {
		t.Errorf("duplicate's actions %+v", dup.Actions)
	}
	f.ok(t, `ajouter "Marie Curie" entreprise="Radium SA" forcer`, "C6")
	f.ok(t, "doublons", "C5 Marie Curie (Radium SA)", "C6 Marie Curie (Radium SA)")
	f.ok(t, "fusionner C6 dans C5", "C6 fusionné dans C5 Marie Curie (Radium SA)")
	if _, err := f.db.Contact(t.Context(), 6); !domain.IsCode(err, domain.NotFound) {
		t.Errorf("fusionner: C6 is still there (%v)", err)
	}

	f.ok(t, "modifier C5 budget=15000 téléphone=0698765432", "Modifié : C5", "budget", "15 000 €", "téléphone")
	if c := f.contact(t, 5); c.Budget != 1500000 || c.Phone == "" {
		t.Errorf("modifier: %+v", c)
	}
	f.ok(t, "voir C5", "C5 Marie Curie", "Commandes", "Aucune commande pour l'instant.", "Score", "Consentement",
		"aucun enregistré ; aucune conversation Telegram reliée — inviter C5 crée un lien")

	found := f.ok(t, "chercher ville=Lyon tri=-score limite=2", "Contacts 1 à 2 sur 3", "Suite : chercher ville=Lyon tri=-score limite=2 page=2", "étape", "entreprise")
	if found.Actions[0].Label != "Page suivante" {
		t.Errorf("chercher: actions %+v", found.Actions)
	}
	f.ok(t, "chercher ville=Lyon tri=-score limite=2 page=2", "Contacts 3 à 3 sur 3")
	f.ok(t, "chercher ville=Lyon page=9", "3 contacts correspondent ; la page 9 est au-delà de la fin.")
	f.ok(t, "chercher Personne", "Aucun contact ne correspond.")

	f.ok(t, "déplacer C5 qualifié premier appel", "C5 Marie Curie (Radium SA) passé de piste à qualifié")
	f.ok(t, "noter C5 appel veut un devis", "appel noté avec C5")
	f.ok(t, "vente C5 1 200,50 € 20/11/2026 commande de printemps", "Vente de 1 200,50 € enregistrée le 20/11/2026", "désormais client")
	if c := f.contact(t, 5); c.Stage != domain.Customer {
		t.Errorf("vente: stage %s", c.Stage)
	}
	f.ok(t, "voir C5", "Dernières interactions", "appel · par alice · veut un devis", "Commandes : 1 en tout, 1 200,50 €", "20/11/2026", "piste → qualifié")
	f.ok(t, "score C5", "Score de C5")
	f.ok(t, "meilleurs 3", "3 meilleurs scores", "responsable")
	f.ok(t, "pipeline", "Pipeline, semaine du 23/11/2026", "Contacts par étape", "piste", "qualifié", "Passages de la semaine")

	f.ok(t, "segments", "Segments de 1 client", "Segments RFM", "Classes ABC", "Pareto")
	f.ok(t, "segments rfm", "Clients à chaque score R, F et M")
	f.ok(t, "segments abc", "part du chiffre d'affaires", "100,0\u00a0%")
	f.ok(t, "segments pareto", "des clients (1) font les premiers")
	f.ok(t, "segment enregistrer lyonnais ville=Lyon", "Segment lyonnais enregistré : 3 membres", "chercher segment=lyonnais liste ses contacts.")
	f.ok(t, "segment liste", "1 segment enregistré", "membres")
	f.ok(t, "chercher segment=lyonnais", "Contacts 1 à 3 sur 3")
	f.ok(t, "segment supprimer lyonnais", "Segment enregistré lyonnais supprimé")
	f.ok(t, "segment liste", "0 segment enregistré", "Aucun segment enregistré pour l'instant")

	f.ok(t, "inviter C5", "Invitation Telegram pour C5", "expire le", "Envoyez ce lien au client")
	f.ok(t, "pourquoi C5", "C5 Marie Curie (Radium SA) ne peut pas recevoir un questionnaire : pas de date, on attend le client",
		"Ce qui retient C5", "seulement quand le client consent")
	f.ok(t, "questionnaire liste", "2 questionnaires", "taux de réponse", "90 jours", "— Votre satisfaction")
	f.ok(t, "questionnaire envoyer satisfaction à C1 simulation", "Simulation : satisfaction serait programmé pour 0 sur 1 contact ; rien n'a été programmé")
	link(t, f.env, svc, "C1", 4242)
	sent := f.ok(t, "questionnaire envoyer satisfaction à C1", "satisfaction programmé pour 1 sur 1 contact", "Résultats", "autorisés maintenant")
	if d := sent.Data.(*command.PlanData); d.Queued != 1 {
		t.Errorf("envoyer: %+v", d)
	}
	f.ok(t, "questionnaire envoyer satisfaction à ville=Lyon essai", "Simulation : satisfaction serait programmé pour", "sur 3 contacts", "Raisons")
	answerAll(t, svc, 1, "1", "2", "Livraison en retard")
	f.ok(t, "questionnaire résultats satisfaction", "Résultats de satisfaction v", "1 répondus sur 1 envoyés", "Commentaires récents", "Livraison en retard")
	card := f.ok(t, "voir C1", "pause détracteur depuis le 25/11/2026 — traité C1 la lève", "Dernières réponses (satisfaction, 25/11/2026)")
	if text := card.Data.(*command.Card).Consent.Text; !strings.HasPrefix(text, "given on 2026-11-25; detractor pause since") {
		t.Errorf("the data's consent text is not English: %q", text) // JSON stays English
	}
	f.ok(t, "pourquoi C1 satisfaction", "seulement quand le responsable marque la réponse du détracteur comme traitée (traité C1)")
	f.ok(t, "traité C1 rappelée, nouvelle livraison lundi", "Réponse de détracteur de C1 Jeanne Martin (Fromagerie Martin) marquée comme traitée", "note")
	if res, err := f.db.Respondent(t.Context(), 1); err != nil || res.Paused() {
		t.Errorf("traité: %+v %v", res, err)
	}

	f.ok(t, "oublier C4", "Effacer les données personnelles de C4", "Tapez oublier C4 confirmer pour effacer.")
	f.fail(t, "oublier C4 maintenant", domain.Invalid, "Tapez oublier C4 confirmer", "Usage : oublier <contact> [confirmer]")
	f.ok(t, "oublier C4 confirmer", "Données personnelles de C4 effacées (enregistré : demandé par alice)")
	if c := f.contact(t, 4); c.Email != "" {
		t.Errorf("oublier: %+v", c)
	}

	f.ok(t, "bilan", "Bilan de la semaine", "Cette semaine", "chiffre d'affaires", "Meilleurs scores", "Questionnaires")
	f.ok(t, "bilan aperçu", "Bilan de la semaine")
	f.ok(t, "bilan publier", "publié sur C0DIGEST")
}

// TestFrenchErrors: refusals are French too, with the French usage.
func TestFrenchErrors(t *testing.T) {
	f, _ := frenchEnv(t)
	defer f.checkMissing(t)
	for _, c := range []struct {
		line  string
		words []string
	}{
		{"bonjour", []string{"commande inconnue “bonjour”", "Usage : aide [commande]"}},
		{"aide bonjour", []string{"il n'y a pas de commande “bonjour”"}},
		{`ajouter "Marie`, []string{"n'est pas fermé", "Usage : ajouter <nom> [clé=valeur…]"}},
		{"ajouter", []string{"ajouter demande le nom du contact"}},
		{"modifier", []string{"modifier demande un contact"}},
		{"voir", []string{"voir demande un contact"}},
		{"chercher limite=0", []string{"limite prend un nombre de 1 à 1000, comme limite=20"}},
		{"chercher tri=couleur", []string{"impossible de trier par “couleur”", "Usage : chercher [mot…]"}},
		{"déplacer C1", []string{"déplacer demande un contact et une étape", "Usage : déplacer <contact> <étape> [note]"}},
		{"déplacer C1 au plus vite", []string{"aucun des mots après le contact (“au plus vite”) n'est une étape du pipeline"}},
		{"noter C1", []string{"noter demande un contact et un type"}},
		{"vente C1", []string{"vente demande un contact et un montant"}},
		{"score", []string{"score demande un contact"}},
		{"meilleurs 500", []string{"meilleurs prend un nombre de 1 à 200 (reçu 500)"}},
		{"segments tout", []string{"segments montre rfm, abc ou pareto"}},
		{"segment ranger", []string{"segment prend enregistrer, liste ou supprimer"}},
		{"segment enregistrer gros", []string{"segment enregistrer demande un nom et un filtre"}},
		{"segment supprimer", []string{"segment supprimer prend un seul nom"}},
		{"chercher segment=", []string{"segment= prend le nom d'un segment RFM"}},
		{"pourquoi", []string{"pourquoi demande un contact", "Usage : pourquoi <contact> [questionnaire]"}},
		{"traité", []string{"traité demande un contact"}},
		{"inviter", []string{"inviter demande un contact"}},
		{"questionnaire", []string{"questionnaire prend liste, envoyer, résultats ou déclencheurs"}},
		{"questionnaire liste tout", []string{"questionnaire liste ne prend pas d'autre mot"}},
		{"questionnaire résultats", []string{"questionnaire résultats prend un questionnaire", "il y a satisfaction, preferences", "Usage : questionnaire résultats <questionnaire>"}},
		{"questionnaire envoyer", []string{"questionnaire envoyer demande un questionnaire et des destinataires"}},
		{"questionnaire envoyer satisfaction C1", []string{"questionnaire envoyer demande à avant les destinataires"}},
		{"questionnaire envoyer satisfaction à", []string{"questionnaire envoyer satisfaction à qui ?"}},
		{"questionnaire envoyer satisfaction à ville=Lyon tri=nom", []string{"ne s'applique pas"}},
		{"questionnaire envoyer satisfaction à ville=Tombouctou", []string{"aucun contact ne correspond à “ville=Tombouctou”"}},
		{"oublier", []string{"oublier demande un contact"}},
		{"bilan demain", []string{"bilan prend aperçu (par défaut) ou publier", "Usage : bilan [aperçu|publier]"}},
	} {
		f.fail(t, c.line, domain.Invalid, c.words...)
	}
	f.exec.Digests = nil
	f.fail(t, "bilan", domain.Unavailable, "le bilan n'est pas configuré")
	f.exec.Surveys, f.exec.Segments, f.exec.BotName = nil, nil, nil
	f.fail(t, "segments", domain.Unavailable, "les segments ne sont pas configurés")
	f.fail(t, "pourquoi C1", domain.Unavailable, "les questionnaires Telegram ne sont pas configurés")
	f.ok(t, "voir C1", "Les questionnaires Telegram ne sont pas configurés dans ce processus crmbot.")
}

// TestFrenchChangesAsEnglish: a command typed in French changes the
// database exactly as the same command typed in English.
func TestFrenchChangesAsEnglish(t *testing.T) {
	for _, pair := range [][2]string{
		{`ajouter "Marie Curie" entreprise="Radium SA" ville=Lyon effectif=5 étape=qualifié`, `add "Marie Curie" company="Radium SA" city=Lyon employees=5 stage=qualified`},
		{`ajouter "Jeanne Martin" entreprise="Fromagerie Martin" forcer`, `add "Jeanne Martin" company="Fromagerie Martin" force`},
		{"modifier C2 ville=Lyon budget=15000 téléphone=", "edit C2 city=Lyon budget=15000 phone="},
		{"déplacer C1 qualifié premier appel", "move C1 qualified premier appel"},
		{"noter C1 rdv devis envoyé", "log C1 meeting devis envoyé"},
		{"vente C3 1 200,50 € hier printemps", "sale C3 1 200,50 € yesterday printemps"},
	} {
		fr, en := seeded(t), seeded(t)
		inFrench(t, fr).ok(t, pair[0])
		en.ok(t, pair[1])
		a, b := fr.snapshot(t), en.snapshot(t)
		// The notes crmbot writes itself on a move (sale of …) are in the
		// language of who made it, as the notes they type.
		for i := range a.Moves {
			if i < len(b.Moves) && a.Moves[i].Note == "vente de 1 200,50 €" && b.Moves[i].Note == "sale of 1 200,50 €" {
				a.Moves[i].Note = b.Moves[i].Note
			}
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s changed %s; %s changed %s", pair[0], a.counts(), pair[1], b.counts())
		}
	}
}

// TestFrenchFieldWords: the French shown for stages and kinds is a word
// crmbot reads as them.
func TestFrenchFieldWords(t *testing.T) {
	e := seeded(t)
	f := inFrench(t, e)
	for _, w := range []string{"prospect", "qualifié", "client", "perdu", "piste"} {
		r := f.ok(t, "déplacer C1 "+w)
		if !strings.HasSuffix(r.Title, " à "+w) {
			t.Errorf("déplacer C1 %s: %s", w, r.Title)
		}
	}
	for _, w := range []string{"appel", "rdv", "courriel", "courriel-ouvert", "clic", "formulaire", "téléchargement", "demande", "visite"} {
		f.ok(t, "noter C2 "+w, w+" noté avec C2")
	}
}

// TestHelpHasFrench: every spec's usage, summary and examples has French,
// and every French example of aide <command> runs on a database with data
// without being refused as an unknown command or a mistyped one.
func TestHelpHasFrench(t *testing.T) {
	names := slices.Sorted(maps.Keys(command.SpecTexts()))
	for _, name := range names {
		for _, id := range command.SpecTexts()[name] {
			if !locale.Has(locale.French, id) {
				t.Errorf("%s: no French for %q", name, id)
			}
		}
	}
	f, svc := frenchEnv(t)
	for i := 5; i <= 42; i++ {
		f.env.add(t, "add Contact"+strconv.Itoa(i)+" city=Lyon")
	}
	// Customers, C1 the best (a champion), and C42 a detractor waiting
	// to be handled.
	for i := 1; i <= 8; i++ {
		for j := range 9 - i {
			f.env.ok(t, "sale C"+strconv.Itoa(i)+" "+strconv.Itoa(100*(9-i))+" 2026-11-"+strconv.Itoa(24-i-j))
		}
	}
	f.env.ok(t, "sale C1 9000 today")
	link(t, f.env, svc, "C42", 4242)
	f.env.ok(t, "survey send satisfaction to C42")
	answerAll(t, svc, 42, "1", "2", "Trop cher")
	// survey's examples first, while C1 is the one champion (sale's
	// examples make C42 a customer too); forget's last, as forget C42
	// confirm erases the detractor that handled C42 handles.
	names = slices.DeleteFunc(names, func(n string) bool { return n == "forget" || n == "survey" })
	names = append(append([]string{"survey"}, names...), "forget")
	for _, name := range names {
		r := f.ok(t, "aide "+name)
		for _, fld := range r.Sections[0].Fields {
			if fld.Label != "exemple" {
				continue
			}
			out := f.run(t, fld.Value)
			if out.Error == nil {
				continue
			}
			switch domain.Code(out.Error.Code) {
			case domain.NotFound, domain.Conflict:
				// A contact or segment the data lacks, or several
				// Martins: the command was read.
			default:
				t.Errorf("example %q of aide %s: %s", fld.Value, name, describeReply(out))
			}
		}
	}
	f.checkMissing(t)
}
