package survey

import (
	"fmt"

	"github.com/crmbot/crmbot/domain"
)

// ConsentVersion names the consent text below; it is stored with each
// consent, so that what the customer agreed to is known.
const ConsentVersion = "consent-v1"

// textID names one text of the customer's side. The texts are named by
// constants, not strings, so that a text that does not exist is a compile
// error rather than a panic in front of a customer; TestTexts checks that
// each one is written in both languages.
type textID int

// The texts of the customer's side.
const (
	txtConsent textID = iota
	txtConsentYes
	txtConsentNo
	txtConsentGiven
	txtConsentRefused
	txtAlreadyLinked
	txtBadLink
	txtNotLinked
	txtStopped
	txtHelp
	txtSlowDown
	txtForgetAsk
	txtForgetYes
	txtForgetNo
	txtForgotten
	txtForgetKept
	txtInvitation
	txtReminder
	txtStart
	txtNotNow
	txtNever
	txtLaterOK
	txtThanks
	txtExpired
	txtClosed
	txtNothingOpen
	txtTapStart
	txtCannotSkip
	txtNothingSkip
	txtChooseOne
	txtDone
	txtYes
	txtNo
	txtOptional
	txtTypeAnswer
	txtSkipped
	txtMyDataHead
	txtMyDataConsent
	txtConsentOn
	txtConsentOff
	txtOptedOut
	txtMyDataSurveys
	txtMyDataAnswers
	txtMyDataForget
	txtMyDataHistory
	txtLedgerGiven
	txtLedgerRefused
	txtLedgerWithdrawn
	txtMyDataExchanges
	txtMyDataOrders
	numTexts // how many texts there are
)

// texts are the texts of the customer's side, which speaks French and
// English completely.
var texts = [numTexts]domain.Text{
	txtConsent: {
		EN: "Hello! We would like to send you short questionnaires about your experience with us, at most once a month and never at night or on weekends. Your answers help us serve you better. Do you agree? You can stop at any time with /stop.",
		FR: "Bonjour ! Nous aimerions vous envoyer de courts questionnaires sur votre expérience avec nous, au plus une fois par mois, jamais la nuit ni le week-end. Vos réponses nous aident à mieux vous servir. Êtes-vous d'accord ? Vous pouvez arrêter à tout moment avec /stop.",
	},
	txtConsentYes:     {EN: "Yes, I agree", FR: "Oui, j'accepte"},
	txtConsentNo:      {EN: "No, thanks", FR: "Non merci"},
	txtConsentGiven:   {EN: "Thank you! You will hear from us only rarely. /stop stops everything, /mydata shows what we keep about you, /help lists the commands.", FR: "Merci ! Vous aurez rarement de nos nouvelles. /stop arrête tout, /mydata montre ce que nous conservons sur vous, /help liste les commandes."},
	txtConsentRefused: {EN: "Understood: we will send you no questionnaire. Send /start if you change your mind.", FR: "C'est noté : nous ne vous enverrons aucun questionnaire. Envoyez /start si vous changez d'avis."},
	txtAlreadyLinked:  {EN: "You are all set: nothing to do for now. /help lists the commands.", FR: "Tout est en ordre : rien à faire pour l'instant. /help liste les commandes."},
	txtBadLink:        {EN: "This link is not valid any more (links work once and expire after 30 days). Please ask your contact for a new one.", FR: "Ce lien n'est plus valable (un lien ne sert qu'une fois et expire après 30 jours). Demandez-en un nouveau à votre contact."},
	txtNotLinked:      {EN: "This chat is not linked to anyone yet. Open the link your contact sent you to start.", FR: "Cette conversation n'est encore liée à personne. Ouvrez le lien que votre contact vous a envoyé pour commencer."},
	txtStopped:        {EN: "Done: you will receive no more questionnaires. Send /start if you want to opt back in.", FR: "C'est fait : vous ne recevrez plus de questionnaire. Envoyez /start pour vous réinscrire."},
	txtHelp: {
		EN: "I send you our short questionnaires, only as often as you allow.\n/stop — no more questionnaires\n/start — opt back in\n/skip — skip an optional question\n/mydata — what we keep about you\n/forget — erase your personal data\n/help — this message",
		FR: "Je vous envoie nos courts questionnaires, seulement aussi souvent que vous le permettez.\n/stop — plus aucun questionnaire\n/start — vous réinscrire\n/skip — passer une question facultative\n/mydata — ce que nous conservons sur vous\n/forget — effacer vos données personnelles\n/help — ce message",
	},
	txtSlowDown:        {EN: "You are sending messages faster than I can read them: please wait a few seconds, then send your answer again.", FR: "Vous envoyez des messages plus vite que je ne peux les lire : attendez quelques secondes, puis renvoyez votre réponse."},
	txtForgetAsk:       {EN: "Erase your personal data? Your name, contact details, preferences and comments will be deleted for good; only anonymous figures stay.", FR: "Effacer vos données personnelles ? Votre nom, vos coordonnées, vos préférences et vos commentaires seront supprimés définitivement ; seuls des chiffres anonymes restent."},
	txtForgetYes:       {EN: "Yes, erase", FR: "Oui, effacer"},
	txtForgetNo:        {EN: "Cancel", FR: "Annuler"},
	txtForgotten:       {EN: "Your personal data has been erased. Goodbye!", FR: "Vos données personnelles ont été effacées. Au revoir !"},
	txtForgetKept:      {EN: "Nothing was erased.", FR: "Rien n'a été effacé."},
	txtInvitation:      {EN: "%s\n%d short questions, about a minute. Shall we start?", FR: "%s\n%d questions courtes, environ une minute. On commence ?"},
	txtReminder:        {EN: "A gentle reminder — %s\n%d short questions, about a minute. This is the only reminder.", FR: "Petit rappel — %s\n%d questions courtes, environ une minute. C'est le seul rappel."},
	txtStart:           {EN: "Start", FR: "Commencer"},
	txtNotNow:          {EN: "Not now", FR: "Pas maintenant"},
	txtNever:           {EN: "Never", FR: "Jamais"},
	txtLaterOK:         {EN: "No problem, we will not ask you again for a while.", FR: "Pas de souci, nous ne vous solliciterons pas avant un moment."},
	txtThanks:          {EN: "Thank you for your answers!", FR: "Merci pour vos réponses !"},
	txtExpired:         {EN: "This questionnaire has closed. Thank you all the same!", FR: "Ce questionnaire est clos. Merci tout de même !"},
	txtClosed:          {EN: "This question is closed.", FR: "Cette question est close."},
	txtNothingOpen:     {EN: "There is no questionnaire waiting for you. /help lists the commands.", FR: "Aucun questionnaire ne vous attend. /help liste les commandes."},
	txtTapStart:        {EN: "Tap Start to begin the questionnaire, or Not now.", FR: "Touchez Commencer pour débuter le questionnaire, ou Pas maintenant."},
	txtCannotSkip:      {EN: "This question needs an answer.", FR: "Cette question demande une réponse."},
	txtNothingSkip:     {EN: "There is no question to skip.", FR: "Il n'y a pas de question à passer."},
	txtChooseOne:       {EN: "Tick at least one answer, then Done.", FR: "Cochez au moins une réponse, puis Terminé."},
	txtDone:            {EN: "Done", FR: "Terminé"},
	txtYes:             {EN: "Yes", FR: "Oui"},
	txtNo:              {EN: "No", FR: "Non"},
	txtOptional:        {EN: "(optional: /skip to pass)", FR: "(facultatif : /skip pour passer)"},
	txtTypeAnswer:      {EN: "Type your answer.", FR: "Écrivez votre réponse."},
	txtSkipped:         {EN: "skipped", FR: "passée"},
	txtMyDataHead:      {EN: "What we keep about you:", FR: "Ce que nous conservons sur vous :"},
	txtMyDataConsent:   {EN: "Consent: %s", FR: "Consentement : %s"},
	txtConsentOn:       {EN: "given on %s", FR: "donné le %s"},
	txtConsentOff:      {EN: "not given", FR: "non donné"},
	txtOptedOut:        {EN: "opted out on %s", FR: "désinscrit le %s"},
	txtMyDataSurveys:   {EN: "Questionnaires: %d sent, %d answered", FR: "Questionnaires : %d envoyés, %d répondus"},
	txtMyDataAnswers:   {EN: "Your answers:", FR: "Vos réponses :"},
	txtMyDataForget:    {EN: "/forget erases all of it.", FR: "/forget efface tout cela."},
	txtMyDataHistory:   {EN: "Your consent, step by step:", FR: "Votre consentement, étape par étape :"},
	txtLedgerGiven:     {EN: "given on %s", FR: "donné le %s"},
	txtLedgerRefused:   {EN: "refused on %s", FR: "refusé le %s"},
	txtLedgerWithdrawn: {EN: "withdrawn on %s", FR: "retiré le %s"},
	txtMyDataExchanges: {EN: "Our exchanges with you (and our notes):", FR: "Nos échanges avec vous (et nos notes) :"},
	txtMyDataOrders:    {EN: "Your orders:", FR: "Vos commandes :"},
}

// say returns text id in lang, formatted with args.
func say(lang string, id textID, args ...any) string {
	if len(args) == 0 {
		return texts[id].In(lang)
	}
	return fmt.Sprintf(texts[id].In(lang), args...)
}

// yesNo is how the value of a yes/no button or answer reads: Yes or No in
// lang, any other value as it is.
func yesNo(lang, v string) string {
	switch v {
	case "yes":
		return say(lang, txtYes)
	case "no":
		return say(lang, txtNo)
	}
	return v
}
