package slack

import "github.com/kaiketsu/kaiketsu/core"

// The adapter's own words: hand-off cards for the support team and the
// notes agents and requesters get. The engine brings everything else.
var texts = map[string]core.Text{
	"card-title":      {"en": "🙋 Hand-off %s", "ja": "🙋 引き継ぎ %s"},
	"card-requester":  {"en": "Requester", "ja": "依頼者"},
	"card-topic":      {"en": "Topic", "ja": "トピック"},
	"card-lang":       {"en": "Language", "ja": "言語"},
	"card-created":    {"en": "Created", "ja": "受付日時"},
	"card-status":     {"en": "Status", "ja": "状態"},
	"card-tried":      {"en": "Tried so far", "ja": "これまでに試したこと"},
	"card-none":       {"en": "Asked for a person before trying any step.", "ja": "手順を試す前に担当者を希望しました。"},
	"card-open":       {"en": "Open: waiting for someone to claim it", "ja": "未対応: 担当者を待っています"},
	"card-claimed":    {"en": "Claimed by %s", "ja": "%s が対応中"},
	"card-solved":     {"en": "Solved by %s", "ja": "%s が解決済みにしました"},
	"card-claim":      {"en": "✋ Claim", "ja": "✋ 担当する"},
	"card-solve":      {"en": "✅ Mark solved", "ja": "✅ 解決済みにする"},
	"card-foot":       {"en": "Reference %s · `kaiketsu handoffs` lists open hand-offs", "ja": "受付番号 %s · `kaiketsu handoffs` で未対応の一覧を表示できます"},
	"did-not-work":    {"en": "did not work", "ja": "解決せず"},
	"was-here":        {"en": "was on this step", "ja": "このステップで相談"},
	"chose":           {"en": "answered \u201c%s\u201d", "ja": "「%s」と回答"},
	"note-notfound":   {"en": "I can't find that hand-off. It may have been removed after the retention period; `kaiketsu handoffs` lists the open ones.", "ja": "この引き継ぎが見つかりません。保存期間を過ぎて削除された可能性があります。`kaiketsu handoffs` で未対応の一覧を確認できます。"},
	"note-claimed-by": {"en": "%s has already claimed %s.", "ja": "%[2]s はすでに %[1]s が担当しています。"},
	"note-yours":      {"en": "You have already claimed %s.", "ja": "%s はすでにあなたが担当しています。"},
	"note-solved":     {"en": "%s was already marked solved by %s. Nothing left to do.", "ja": "%s は %s がすでに解決済みにしています。対応は不要です。"},
	"note-own":        {"en": "%s is your own request, so someone else from the support team should take it. You can still mark it solved if the trouble went away.", "ja": "%s はあなた自身の依頼なので、ほかのサポート担当者が対応します。問題が解消した場合は「解決済みにする」を押せます。"},
	"note-failed":     {"en": "Sorry, I couldn't update %s just now. Please try again in a moment.", "ja": "%s を更新できませんでした。少し待ってからもう一度お試しください。"},
	"dm-claimed":      {"en": "🙋 %s from the support team has your request %s and will contact you soon.", "ja": "🙋 サポートチームの %s があなたの依頼 %s を担当します。まもなく連絡があります。"},
}

func text(key, lang string) string { return texts[key].Get(lang, "en") }
