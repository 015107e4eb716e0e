package survey

import (
	"fmt"

	"github.com/crmbot/crmbot/domain"
)

// ConsentVersion names the consent text below; it is stored with each
// consent, so that what the customer agreed to is known.
const ConsentVersion = "consent-v1"

// The customer's side speaks French and English completely.
var texts = map[string]domain.Text{
	"consent": {
		EN: "Hello! We would like to send you short questionnaires about your experience with us, at most once a month and never at night or on weekends. Your answers help us serve you better. Do you agree? You can stop at any time with /stop.",
		FR: "Bonjour ! Nous aimerions vous envoyer de courts questionnaires sur votre expérience avec nous, au plus une fois par mois, jamais la nuit ni le week-end. Vos réponses nous aident à mieux vous servir. Êtes-vous d'accord ? Vous pouvez arrêter à tout moment avec /stop.",
	},
	"consent_yes":     {EN: "Yes, I agree", FR: "Oui, j'accepte"},
	"consent_no":      {EN: "No, thanks", FR: "Non merci"},
	"consent_given":   {EN: "Thank you! You will hear from us only rarely. /stop stops everything, /mydata shows what we keep about you, /help lists the commands.", FR: "Merci ! Vous aurez rarement de nos nouvelles. /stop arrête tout, /mydata montre ce que nous conservons sur vous, /help liste les commandes."},
	"consent_refused": {EN: "Understood: we will send you no questionnaire. Send /start if you change your mind.", FR: "C'est noté : nous ne vous enverrons aucun questionnaire. Envoyez /start si vous changez d'avis."},
	"already_linked":  {EN: "You are all set: nothing to do for now. /help lists the commands.", FR: "Tout est en ordre : rien à faire pour l'instant. /help liste les commandes."},
	"bad_link":        {EN: "This link is not valid any more (links work once and expire after 30 days). Please ask your contact for a new one.", FR: "Ce lien n'est plus valable (un lien ne sert qu'une fois et expire après 30 jours). Demandez-en un nouveau à votre contact."},
	"not_linked":      {EN: "This chat is not linked to anyone yet. Open the link your contact sent you to start.", FR: "Cette conversation n'est encore liée à personne. Ouvrez le lien que votre contact vous a envoyé pour commencer."},
	"stopped":         {EN: "Done: you will receive no more questionnaires. Send /start if you want to opt back in.", FR: "C'est fait : vous ne recevrez plus de questionnaire. Envoyez /start pour vous réinscrire."},
	"help": {
		EN: "I send you our short questionnaires, only as often as you allow.\n/stop — no more questionnaires\n/start — opt back in\n/skip — skip an optional question\n/mydata — what we keep about you\n/forget — erase your personal data\n/help — this message",
		FR: "Je vous envoie nos courts questionnaires, seulement aussi souvent que vous le permettez.\n/stop — plus aucun questionnaire\n/start — vous réinscrire\n/skip — passer une question facultative\n/mydata — ce que nous conservons sur vous\n/forget — effacer vos données personnelles\n/help — ce message",
	},
	"slow_down":      {EN: "You are sending messages faster than I can read them: please wait a few seconds, then send your answer again.", FR: "Vous envoyez des messages plus vite que je ne peux les lire : attendez quelques secondes, puis renvoyez votre réponse."},
	"forget_ask":     {EN: "Erase your personal data? Your name, contact details, preferences and comments will be deleted for good; only anonymous figures stay.", FR: "Effacer vos données personnelles ? Votre nom, vos coordonnées, vos préférences et vos commentaires seront supprimés définitivement ; seuls des chiffres anonymes restent."},
	"forget_yes":     {EN: "Yes, erase", FR: "Oui, effacer"},
	"forget_no":      {EN: "Cancel", FR: "Annuler"},
	"forgotten":      {EN: "Your personal data has been erased. Goodbye!", FR: "Vos données personnelles ont été effacées. Au revoir !"},
	"forget_kept":    {EN: "Nothing was erased.", FR: "Rien n'a été effacé."},
	"invitation":     {EN: "%s\n%d short questions, about a minute. Shall we start?", FR: "%s\n%d questions courtes, environ une minute. On commence ?"},
	"reminder":       {EN: "A gentle reminder — %s\n%d short questions, about a minute. This is the only reminder.", FR: "Petit rappel — %s\n%d questions courtes, environ une minute. C'est le seul rappel."},
	"start":          {EN: "Start", FR: "Commencer"},
	"not_now":        {EN: "Not now", FR: "Pas maintenant"},
	"never":          {EN: "Never", FR: "Jamais"},
	"later_ok":       {EN: "No problem, we will not ask you again for a while.", FR: "Pas de souci, nous ne vous solliciterons pas avant un moment."},
	"thanks":         {EN: "Thank you for your answers!", FR: "Merci pour vos réponses !"},
	"expired":        {EN: "This questionnaire has closed. Thank you all the same!", FR: "Ce questionnaire est clos. Merci tout de même !"},
	"closed":         {EN: "This question is closed.", FR: "Cette question est close."},
	"nothing_open":   {EN: "There is no questionnaire waiting for you. /help lists the commands.", FR: "Aucun questionnaire ne vous attend. /help liste les commandes."},
	"tap_start":      {EN: "Tap Start to begin the questionnaire, or Not now.", FR: "Touchez Commencer pour débuter le questionnaire, ou Pas maintenant."},
	"cannot_skip":    {EN: "This question needs an answer.", FR: "Cette question demande une réponse."},
	"nothing_skip":   {EN: "There is no question to skip.", FR: "Il n'y a pas de question à passer."},
	"choose_one":     {EN: "Tick at least one answer, then Done.", FR: "Cochez au moins une réponse, puis Terminé."},
	"done":           {EN: "Done", FR: "Terminé"},
	"yes":            {EN: "Yes", FR: "Oui"},
	"no":             {EN: "No", FR: "Non"},
	"optional":       {EN: "(optional: /skip to pass)", FR: "(facultatif : /skip pour passer)"},
	"type_answer":    {EN: "Type your answer.", FR: "Écrivez votre réponse."},
	"skipped":        {EN: "skipped", FR: "passée"},
	"mydata_head":    {EN: "What we keep about you:", FR: "Ce que nous conservons sur vous :"},
	"mydata_consent": {EN: "Consent: %s", FR: "Consentement : %s"},
	"consent_on":     {EN: "given on %s", FR: "donné le %s"},
	"consent_off":    {EN: "not given", FR: "non donné"},
	"opted_out":      {EN: "opted out on %s", FR: "désinscrit le %s"},
	"mydata_surveys": {EN: "Questionnaires: %d sent, %d answered", FR: "Questionnaires : %d envoyés, %d répondus"},
	"mydata_answers": {EN: "Your answers:", FR: "Vos réponses :"},
	"mydata_forget":  {EN: "/forget erases all of it.", FR: "/forget efface tout cela."},
	"error":          {EN: "Sorry, something went wrong: please try again in a moment.", FR: "Désolé, une erreur est survenue : réessayez dans un instant."},
}

// say returns the text key in lang, formatted with args.
func say(lang, key string, args ...any) string {
	t, ok := texts[key]
	if !ok {
		panic("survey: no text " + key)
	}
	if len(args) == 0 {
		return t.In(lang)
	}
	return fmt.Sprintf(t.In(lang), args...)
}
