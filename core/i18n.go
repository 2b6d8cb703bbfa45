package core

import (
	"fmt"
	"strconv"
	"strings"
)

// msgKey names one of the engine's own words (buttons, headings);
// playbooks bring the rest. Languages other than ja and en fall back to
// English.
type msgKey int

const (
	msgFixed msgKey = iota
	msgNext
	msgNextHandoff
	msgBack
	msgHuman
	msgRestart
	msgOther
	msgStepOf
	msgChoose
	msgChooseBody
	msgMenu
	msgMenuBody
	msgMenuMore
	msgNoMatch
	msgNoMatchBody
	msgResolved
	msgResolvedBody
	msgHandoff
	msgHandoffRef
	msgHandoffNext
	msgHandoffNoRef
	msgHandoffAgain
	msgStale
	msgStaleBody
	msgBad
	msgSecret
	msgUrgent
	msgUsageExamples
	msgSlowDown
	msgSlowDownBody
	numMsgs
)

var messages = [numMsgs]Text{
	msgFixed:        {"en": "✅ That fixed it", "ja": "✅ 解決した"},
	msgNext:         {"en": "➡ Didn't work, next step", "ja": "➡ だめだった、次へ"},
	msgNextHandoff:  {"en": "➡ Didn't work", "ja": "➡ だめだった"},
	msgBack:         {"en": "↩ Back", "ja": "↩ 戻る"},
	msgHuman:        {"en": "🙋 Talk to a person", "ja": "🙋 担当者と話す"},
	msgRestart:      {"en": "🔄 Start over", "ja": "🔄 最初から"},
	msgOther:        {"en": "🔎 Something else", "ja": "🔎 ほかの原因"},
	msgStepOf:       {"en": "Step %d of %d", "ja": "ステップ %d / %d"},
	msgChoose:       {"en": "Which is closest?", "ja": "どれがいちばん近いですか?"},
	msgChooseBody:   {"en": "A few causes fit what you wrote. Pick the one that sounds most like your situation.", "ja": "いくつかの原因が考えられます。状況にいちばん近いものを選んでください。"},
	msgMenu:         {"en": "What's the trouble?", "ja": "どうしましたか?"},
	msgMenuBody:     {"en": "Describe your problem in your own words, or pick a topic below.", "ja": "困っていることを自由に書くか、下のトピックから選んでください。"},
	msgMenuMore:     {"en": "There are %d more topics: describe your problem to find them.", "ja": "ほかに %d 件のトピックがあります。困っていることを書いて探してください。"},
	msgNoMatch:      {"en": "Which of these is it?", "ja": "どれに当てはまりますか?"},
	msgNoMatchBody:  {"en": "I couldn't tell from what you wrote which problem this is. Pick the closest topic below, describe it in other words, or talk to a person.", "ja": "書かれた内容からは、どの問題か判断できませんでした。近いトピックを選ぶか、別の言葉で書き直すか、担当者に相談してください。"},
	msgResolved:     {"en": "Glad that fixed it!", "ja": "解決してよかったです!"},
	msgResolvedBody: {"en": "Solved at: %s. If the trouble comes back, just ask again.", "ja": "解決したステップ: %s。また困ったときはいつでも聞いてください。"},
	msgHandoff:      {"en": "Let's get you to a person", "ja": "担当者におつなぎします"},
	msgHandoffRef:   {"en": "Your reference is %s.", "ja": "受付番号は %s です。"},
	msgHandoffNext:  {"en": "The support team has what you already tried and will get back to you. In the meantime:", "ja": "これまでに試した内容はサポートチームに伝わっています。担当者から連絡します。それまでの間は:"},
	msgHandoffAgain: {"en": "You are already with the support team for this problem: nothing more to do, they will get back to you. In the meantime:", "ja": "この件はすでにサポートチームに伝わっています。もう一度送る必要はありません。担当者から連絡します。それまでの間は:"},
	msgHandoffNoRef: {"en": "Here is how to reach a person:", "ja": "担当者への連絡方法はこちらです:"},
	msgStale:        {"en": "This walkthrough has changed", "ja": "この手順は更新されました"},
	msgStaleBody:    {"en": "The guide behind these buttons was updated since this message was sent. Please start over; it only takes a moment.", "ja": "このメッセージのあとで手順が更新されました。お手数ですが最初からやり直してください。"},
	msgBad:          {"en": "I couldn't follow that button. Please start over.", "ja": "このボタンは使えませんでした。最初からやり直してください。"},
	msgSecret:       {"en": "⚠️ It looks like you pasted a password or a one-time code. Never share them with anyone, not even with me or the support team. If it was your real password, change it now.", "ja": "⚠️ パスワードや確認コードが含まれているようです。これらは誰にも、このボットやサポート担当者にも、決して伝えないでください。本物のパスワードだった場合は、すぐに変更してください。"},
	msgUrgent:       {"en": "⚠️ This is urgent: act now.", "ja": "⚠️ 緊急です。すぐに対応してください。"},
	msgSlowDown:     {"en": "You're going a bit fast", "ja": "少し操作が速すぎるようです"},
	msgSlowDownBody: {"en": "Please wait %d seconds and try again. Nothing was lost: your last message and buttons still work.", "ja": "%d 秒ほど待ってから、もう一度お試しください。これまでのメッセージやボタンはそのまま使えます。"},
}

// msgTables holds, for each language the messages are written in, every
// message as messages[key].Get(lang, "en") gives it, so that a lookup is an
// index rather than two map lookups; msgDefault serves any other language.
var msgLangs, msgTables, msgDefault = msgTablesOf(&messages)

func msgTablesOf(messages *[numMsgs]Text) (langs []string, tables []*[numMsgs]string, def *[numMsgs]string) {
	tableFor := func(lang string) *[numMsgs]string {
		var t [numMsgs]string
		for k, m := range messages {
			t[k] = m.Get(lang, "en")
		}
		return &t
	}
	for _, m := range messages {
		for lang := range m {
			if !contains(langs, lang) {
				langs = append(langs, lang)
				tables = append(tables, tableFor(lang))
			}
		}
	}
	return langs, tables, tableFor("en")
}

// msgsIn returns the engine's messages in lang.
func msgsIn(lang string) *[numMsgs]string {
	for i, l := range msgLangs {
		if l == lang {
			return msgTables[i]
		}
	}
	return msgDefault
}

// msg returns the engine's own text in lang.
func msg(key msgKey, lang string) string {
	return msgsIn(lang)[key]
}

// formatInts is fmt.Sprintf(format, args...) for the engine's messages,
// whose only verbs are %d: it spares fmt's reflection on every answer. Any
// other format goes to fmt.
func formatInts(format string, args ...int) string {
	var buf [128]byte
	b := buf[:0]
	rest, n := format, 0
	for {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			break
		}
		if i+1 == len(rest) || rest[i+1] != 'd' || n == len(args) {
			return sprintfInts(format, args)
		}
		b = append(b, rest[:i]...)
		b = strconv.AppendInt(b, int64(args[n]), 10)
		rest, n = rest[i+2:], n+1
	}
	if n != len(args) {
		return sprintfInts(format, args)
	}
	return string(append(b, rest...))
}

func sprintfInts(format string, args []int) string {
	as := make([]any, len(args))
	for i, a := range args {
		as[i] = a
	}
	return fmt.Sprintf(format, as...)
}

// formatString is fmt.Sprintf(format, arg) for a message whose only verb
// is one %s.
func formatString(format, arg string) string {
	i := strings.IndexByte(format, '%')
	if i < 0 || i+1 == len(format) || format[i+1] != 's' || strings.IndexByte(format[i+2:], '%') >= 0 {
		return fmt.Sprintf(format, arg)
	}
	return format[:i] + arg + format[i+2:]
}

// langOf reduces a platform locale ("ja-JP", "en_US", "EN") to its language.
func langOf(locale string) string {
	locale = strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(locale, "-_"); i > 0 {
		locale = locale[:i]
	}
	return locale
}
