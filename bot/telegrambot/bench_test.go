package telegrambot_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot"
	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/flows/survey"
)

// BenchmarkSenderRate sends through Client.Send, from many workers at
// once, to the fake Bot API holding Telegram's default limits strictly (25
// messages in any second overall, 1 per chat), with the client at its
// defaults too, for 20 seconds (CRMBOT_TGBENCH_SECONDS):
//
//   - global: to 200 chats in turn, where the global rate binds (25/s);
//   - per-chat: to 5 chats, where their rates bind (5 × 1/s).
//
// It reports the messages the fake received (msgs), the sustained rate it
// saw (msgs/s: messages received less one, over the time from the first to
// the last; per chat, summed, for per-chat), that rate as a share of the
// configured one (ratio; target ≥ 0.95), and the 429s the fake answered
// (429s; target 0). It runs its load once whatever b.N is:
//
//	go test ./bot/telegrambot -run '^$' -bench SenderRate -benchtime 1x
func BenchmarkSenderRate(b *testing.B) {
	seconds := 20
	if n, err := strconv.Atoi(os.Getenv("CRMBOT_TGBENCH_SECONDS")); err == nil && n > 0 {
		seconds = n
	}
	d := time.Duration(seconds) * time.Second
	b.Run("global", func(b *testing.B) { benchSend(b, d, 200, 64, 25, false) })
	b.Run("per-chat", func(b *testing.B) { benchSend(b, d, 5, 15, 5, true) })
}

func benchSend(b *testing.B, d time.Duration, chats, workers int, configured float64, perChat bool) {
	fake := telegramtest.New(b, telegramtest.Config{}) // 25/s, 1/s per chat
	client := newClient(b, fake, telegrambot.Config{}) // the defaults: the same
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	b.ResetTimer()
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				chat := 1 + next.Add(1)%int64(chats)
				_, err := client.Send(ctx, survey.Message{ChatID: chat, Text: "How did we do?",
					Buttons: [][]survey.Button{{{Text: "Good", Data: "q1:5"}, {Text: "Bad", Data: "q1:1"}}}}, nil)
				if err != nil && !errors.Is(err, context.DeadlineExceeded) {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	for _, err := range errs {
		b.Error(err)
	}
	sent := fake.AllSent()
	if len(sent) < 2 {
		b.Fatalf("%d messages sent", len(sent))
	}
	rate := sustained(sent)
	if perChat {
		byChat := map[int64][]telegramtest.Message{}
		for _, m := range sent {
			byChat[m.ChatID] = append(byChat[m.ChatID], m)
		}
		rate = 0
		for _, ms := range byChat {
			rate += sustained(ms)
		}
	}
	b.ReportMetric(float64(len(sent)), "msgs")
	b.ReportMetric(rate, "msgs/s")
	b.ReportMetric(rate/configured, "ratio")
	b.ReportMetric(float64(fake.TooManyRequests()), "429s")
}

// sustained is the rate of messages after the first: a limiter lets the
// first go at once.
func sustained(ms []telegramtest.Message) float64 {
	if len(ms) < 2 {
		return 0
	}
	return float64(len(ms)-1) / ms[len(ms)-1].At.Sub(ms[0].At).Seconds()
}
