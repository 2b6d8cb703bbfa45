package core

import "strings"

// Message keys for the engine's own words (buttons, headings); playbooks
// bring the rest. Languages other than ja and en fall back to English.
const (
	msgFixed         = "fixed"
	msgNext          = "next"
	msgNextHandoff   = "next-handoff"
	msgBack          = "back"
	msgHuman         = "human"
	msgRestart       = "restart"
	msgOther         = "other"
	msgStepOf        = "step-of"
	msgChoose        = "choose"
	msgChooseBody    = "choose-body"
	msgMenu          = "menu"
	msgMenuBody      = "menu-body"
	msgMenuMore      = "menu-more"
	msgNoMatch       = "no-match"
	msgNoMatchBody   = "no-match-body"
	msgResolved      = "resolved"
	msgResolvedBody  = "resolved-body"
	msgHandoff       = "handoff"
	msgHandoffRef    = "handoff-ref"
	msgHandoffNext   = "handoff-next"
	msgHandoffNoRef  = "handoff-noref"
	msgStale         = "stale"
	msgStaleBody     = "stale-body"
	msgBad           = "bad"
	msgSecret        = "secret"
	msgUrgent        = "urgent"
	msgUsageExamples = "usage-examples"
	msgSlowDown      = "slow-down"
	msgSlowDownBody  = "slow-down-body"
)

var messages = map[string]Text{
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
	msgNoMatch:      {"en": "I'm not sure I can help with that", "ja": "その内容にはお答えできないかもしれません"},
	msgNoMatchBody:  {"en": "I couldn't match what you wrote to anything I know. I can help with these topics; or talk to a person.", "ja": "書かれた内容に合うものが見つかりませんでした。次のトピックならお手伝いできます。担当者に相談することもできます。"},
	msgResolved:     {"en": "Glad that fixed it!", "ja": "解決してよかったです!"},
	msgResolvedBody: {"en": "Solved at: %s. If the trouble comes back, just ask again.", "ja": "解決したステップ: %s。また困ったときはいつでも聞いてください。"},
	msgHandoff:      {"en": "Let's get you to a person", "ja": "担当者におつなぎします"},
	msgHandoffRef:   {"en": "Your reference is %s.", "ja": "受付番号は %s です。"},
	msgHandoffNext:  {"en": "The support team has what you already tried and will contact you here. In the meantime:", "ja": "これまでに試した内容はサポートチームに伝わっています。担当者からこちらに連絡します。それまでの間は:"},
	msgHandoffNoRef: {"en": "Here is how to reach a person:", "ja": "担当者への連絡方法はこちらです:"},
	msgStale:        {"en": "This walkthrough has changed", "ja": "この手順は更新されました"},
	msgStaleBody:    {"en": "The guide behind these buttons was updated since this message was sent. Please start over; it only takes a moment.", "ja": "このメッセージのあとで手順が更新されました。お手数ですが最初からやり直してください。"},
	msgBad:          {"en": "I couldn't follow that button. Please start over.", "ja": "このボタンは使えませんでした。最初からやり直してください。"},
	msgSecret:       {"en": "⚠️ It looks like you pasted a password or a one-time code. Never share them with anyone, not even with me or the support team. If it was your real password, change it now.", "ja": "⚠️ パスワードや確認コードが含まれているようです。これらは誰にも、このボットやサポート担当者にも、決して伝えないでください。本物のパスワードだった場合は、すぐに変更してください。"},
	msgUrgent:       {"en": "⚠️ This is urgent: act now.", "ja": "⚠️ 緊急です。すぐに対応してください。"},
	msgSlowDown:     {"en": "You're going a bit fast", "ja": "少し操作が速すぎるようです"},
	msgSlowDownBody: {"en": "Please wait %d seconds and try again. Nothing was lost: your last message and buttons still work.", "ja": "%d 秒ほど待ってから、もう一度お試しください。これまでのメッセージやボタンはそのまま使えます。"},
}

// msg returns the engine's own text in lang.
func msg(key, lang string) string {
	return messages[key].Get(lang, "en")
}

// langOf reduces a platform locale ("ja-JP", "en_US", "EN") to its language.
func langOf(locale string) string {
	locale = strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(locale, "-_"); i > 0 {
		locale = locale[:i]
	}
	return locale
}
