package slackbot

import (
	"context"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// runSocketMode connects to Slack over Socket Mode and serves its requests
// with the same handler as the HTTP endpoints, acknowledging every
// envelope, until ctx is done.
func (b *Bot) runSocketMode(ctx context.Context) error {
	client := socketmode.New(b.api, socketmode.OptionLog(slog.NewLogLogger(b.log.Handler(), slog.LevelDebug)))
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	b.log.Info("Slack Socket Mode is connecting")
	b.setSocket("connecting")
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return err
		case evt := <-client.Events:
			b.onSocketEvent(ctx, client, evt)
		}
	}
}

// onSocketEvent handles one Socket Mode event: a request is handled and
// its envelope acknowledged, with the handler's answer as payload; the
// client's own events are logged. A request's digest is its payload's,
// which a retry repeats whatever its envelope.
func (b *Bot) onSocketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	var ack any
	var err error
	var sum string
	if evt.Request != nil {
		sum = digest(evt.Request.Payload)
	}
	start, kind := time.Now(), ""
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		kind = "command"
		if c, ok := evt.Data.(slack.SlashCommand); ok {
			ack, err = b.onCommand(ctx, c, sum)
		}
	case socketmode.EventTypeInteractive:
		kind = "interaction"
		if ic, ok := evt.Data.(slack.InteractionCallback); ok {
			ack, err = b.onInteraction(ctx, ic, sum)
		}
	case socketmode.EventTypeEventsAPI:
		kind = "event"
		ack, err = b.onEvent(ctx, evt.Request.Payload, sum)
	case socketmode.EventTypeConnected:
		b.log.Info("Slack Socket Mode is connected")
		b.setSocket("connected")
	case socketmode.EventTypeConnecting, socketmode.EventTypeDisconnect:
		b.setSocket(string(evt.Type))
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		b.log.Warn("Slack Socket Mode", "event", evt.Type, "data", evt.Data)
		b.setSocket(string(evt.Type))
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage:
		b.log.Warn("Slack Socket Mode", "event", evt.Type, "data", evt.Data)
	}
	if kind != "" && b.Acked != nil {
		defer func() { b.Acked(kind, err == nil, time.Since(start)) }()
	}
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		return
	}
	if err != nil {
		b.log.Warn("Slack request not run", "type", evt.Type, "err", err)
		ack = nil
	}
	if err := client.AckCtx(ctx, evt.Request.EnvelopeID, ack); err != nil {
		b.log.Error("could not acknowledge a Slack envelope", "envelope", evt.Request.EnvelopeID, "err", err)
	}
}
