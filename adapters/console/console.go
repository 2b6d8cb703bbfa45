// Package console is the terminal edge of Kaiketsu: `kaiketsu chat` reads
// problems and button numbers line by line and prints answers as text. It
// works the same on a terminal and on a pipe, so it can be tested end to end.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kaiketsu/kaiketsu/core"
)

// Chat runs a conversation until the input ends, the person types quit, or
// ctx is done.
func Chat(ctx context.Context, eng *core.Engine, in io.Reader, out io.Writer, locale string) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	lang := eng.Lang("", locale)
	fmt.Fprintln(out, prompt(lang, "intro"))
	var cur *core.Answer
	for {
		fmt.Fprint(out, "> ")
		if !sc.Scan() {
			fmt.Fprintln(out)
			return sc.Err()
		}
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		switch strings.ToLower(line) {
		case "":
			continue
		case "quit", "exit", "q", "終了", "おわり":
			fmt.Fprintln(out, prompt(lang, "bye"))
			return nil
		}
		req := core.Request{Platform: "console", UserID: "console", Locale: locale, Text: line}
		var a core.Answer
		if n, err := strconv.Atoi(line); err == nil && cur != nil && !cur.Done {
			if n < 1 || n > len(cur.Buttons) {
				fmt.Fprintf(out, prompt(lang, "range")+"\n", len(cur.Buttons))
				continue
			}
			req.Text, req.Token = "", cur.Buttons[n-1].ID
			var perr error
			a, perr = eng.Press(ctx, req)
			var te *core.TokenError
			if errors.As(perr, &te) {
				a = eng.StartOver(req, perr)
			} else if perr != nil {
				return perr
			}
		} else {
			a = eng.Ask(ctx, req)
		}
		lang = a.Lang
		Render(out, a)
		if a.Done {
			fmt.Fprintln(out, prompt(lang, "again"))
		}
		cur = &a
	}
}

var prompts = map[string]core.Text{
	"intro": {"en": "Kaiketsu: describe your problem (or type help). Pick a button by its number. Type quit to leave.",
		"ja": "Kaiketsu: 困っていることを書いてください(help でトピック一覧)。ボタンは番号で選べます。quit で終了します。"},
	"bye":   {"en": "Bye!", "ja": "またどうぞ!"},
	"range": {"en": "Pick a number from 1 to %d, or describe your problem.", "ja": "1 から %d の番号を選ぶか、困っていることを書いてください。"},
	"again": {"en": "Anything else? Describe another problem, or type quit.", "ja": "ほかにお困りのことはありますか? 書いてください(quit で終了)。"},
}

func prompt(lang, key string) string { return prompts[key].Get(lang, "en") }

// Render writes an answer as plain text, buttons numbered from 1.
func Render(w io.Writer, a core.Answer) {
	fmt.Fprintln(w)
	if a.Notice != "" {
		fmt.Fprintln(w, a.Notice)
	}
	if a.Title != "" {
		fmt.Fprintf(w, "== %s ==\n", a.Title)
	}
	if a.Summary != "" {
		fmt.Fprintln(w, a.Summary)
	}
	if a.StepTitle != "" {
		fmt.Fprintf(w, "\n[%s] %s\n", a.Progress, a.StepTitle)
	}
	if a.Text != "" {
		fmt.Fprintln(w, a.Text)
	}
	for i, s := range a.Steps {
		fmt.Fprintf(w, "  %d. %s\n", i+1, s)
	}
	if len(a.Buttons) > 0 {
		fmt.Fprintln(w)
		for i, b := range a.Buttons {
			fmt.Fprintf(w, "  (%d) %s\n", i+1, b.Label)
		}
	}
	if a.Footer != "" {
		fmt.Fprintln(w, a.Footer)
	}
}
