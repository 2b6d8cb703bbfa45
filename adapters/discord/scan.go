package discord

import (
	"math"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// scanInteraction decodes an interaction as decodeStd does, in one pass
// over the body and without reflection: decodeStd's encoding/json was the
// largest cost of an interaction after the signature check. It reads the
// fields decodeStd fills and checks the rest only for being JSON, which
// is most of a click: the whole message it was made on.
//
// It handles the interactions Discord sends, and leaves anything else
// (ok false) to decodeStd, which then gives encoding/json's answer: JSON
// that is malformed or nested deeper than maxScanDepth, a field of an
// unexpected type or out of range, a key that is repeated, escaped, not
// ASCII or matches a field only ignoring case (encoding/json matches
// keys case-insensitively), a number where encoding/json would need
// more than an int64, data that is an object where discordgo has maps
// (resolved), option values that are objects or arrays, null elements,
// and modal submits. So it never returns what decodeStd would not, nor an
// error.
func scanInteraction(body []byte) (*discordgo.Interaction, bool) {
	s := scanners.Get().(*scanner)
	s.b, s.i, s.depth = body, 0, 0
	in, ok := s.interaction()
	// Nothing in the pool refers to the body or to what was decoded.
	clear(s.fix)
	s.b, s.arena, s.fix, s.spareOption, s.spareOptions = nil, s.arena[:0], s.fix[:0], nil, nil
	if cap(s.arena) <= 16<<10 {
		scanners.Put(s)
	}
	return in, ok
}

// maxScanDepth is how deeply nested the values scanInteraction skips may
// be; encoding/json allows 10,000, and deeper documents go to it.
const maxScanDepth = 200

// scanner is the state of one scanInteraction.
type scanner struct {
	b     []byte
	i     int
	depth int
	// The decoded strings, one after the other: they become one string
	// when the scan is done, and each field a piece of it.
	arena []byte
	fix   []strFix
	// The first option and the first list of options, allocated with the
	// interaction; nil once used.
	spareOption  *discordgo.ApplicationCommandInteractionDataOption
	spareOptions []*discordgo.ApplicationCommandInteractionDataOption
}

// strFix is a string field to set to arena[off:off+n] (or, with any set,
// an interface field).
type strFix struct {
	str    *string
	any    *any
	off, n int
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// finish sets the string fields from the arena.
func (s *scanner) finish() {
	all := string(s.arena)
	for _, f := range s.fix {
		v := all[f.off : f.off+f.n]
		if f.any != nil {
			*f.any = v
		} else {
			*f.str = v
		}
	}
}

// The keys of each object scanInteraction decodes: a key matching one of
// these only when case is ignored goes to encoding/json.
var (
	interactionKeys = []string{"id", "application_id", "type", "data", "guild_id", "channel_id", "member",
		"user", "locale", "guild_locale", "token", "version"}
	memberKeys = []string{"user"}
	userKeys   = []string{"id", "email", "username", "avatar", "locale", "discriminator", "global_name", "token",
		"verified", "mfa_enabled", "banner", "accent_color", "bot", "public_flags", "premium_type", "system", "flags"}
	commandKeys   = []string{"id", "name", "type", "resolved", "options", "target_id"}
	optionKeys    = []string{"name", "type", "value", "options", "focused"}
	componentKeys = []string{"custom_id", "component_type", "resolved", "values"}
)

func (s *scanner) interaction() (*discordgo.Interaction, bool) {
	s.ws()
	if !s.eat('{') {
		return nil, false
	}
	// The interaction, its member, user, guild locale, data (until it is
	// copied into in.Data) and a first option in one allocation.
	all := new(struct {
		in      discordgo.Interaction
		member  discordgo.Member
		user    discordgo.User
		locale  discordgo.Locale
		command discordgo.ApplicationCommandInteractionData
		comp    discordgo.MessageComponentInteractionData
		option  discordgo.ApplicationCommandInteractionDataOption
		options [1]*discordgo.ApplicationCommandInteractionDataOption
	})
	in, spare := &all.in, &all.user
	s.spareOption, s.spareOptions = &all.option, all.options[:0:1]
	var (
		seen uint32
		data = -1 // where the data value starts
		ok   bool
	)
	for first := true; ; first = false {
		key, more, kok := s.key(first)
		if !kok {
			return nil, false
		}
		if !more {
			break
		}
		var bit uint32
		switch string(key) {
		case "id":
			bit, ok = 1<<0, s.str(&in.ID)
		case "application_id":
			bit, ok = 1<<1, s.str(&in.AppID)
		case "type":
			var v uint64
			v, ok = s.uint(math.MaxUint8)
			bit, in.Type = 1<<2, discordgo.InteractionType(v)
		case "data":
			bit, data = 1<<3, s.i
			ok = s.skip()
		case "guild_id":
			bit, ok = 1<<4, s.str(&in.GuildID)
		case "channel_id":
			bit, ok = 1<<5, s.str(&in.ChannelID)
		case "member":
			bit = 1 << 6
			if s.null() {
				ok = true
				break
			}
			in.Member = &all.member
			ok = s.member(in.Member, &spare)
		case "user":
			bit = 1 << 7
			in.User, ok = s.user(&spare)
		case "locale":
			bit, ok = 1<<8, s.str((*string)(&in.Locale))
		case "guild_locale":
			bit = 1 << 9
			if s.null() {
				ok = true
				break
			}
			in.GuildLocale = &all.locale
			ok = s.str((*string)(in.GuildLocale))
		case "token":
			bit, ok = 1<<10, s.str(&in.Token)
		case "version":
			var v int
			v, ok = s.int()
			bit, in.Version = 1<<11, v
		default:
			ok = !foldsTo(key, interactionKeys) && s.skip()
		}
		if !ok || seen&bit != 0 {
			return nil, false
		}
		seen |= bit
	}
	s.ws()
	if s.i != len(s.b) {
		return nil, false
	}
	switch in.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete,
		discordgo.InteractionMessageComponent:
	case discordgo.InteractionModalSubmit:
		return nil, false
	default:
		s.finish()
		return in, true
	}
	// The data is decoded once the type is known, as decodeStd does; a
	// missing data is an error there.
	if data < 0 {
		return nil, false
	}
	s.i = data
	if in.Type == discordgo.InteractionMessageComponent {
		if !s.null() && !s.component(&all.comp) {
			return nil, false
		}
		s.finish() // before the data is copied into in.Data
		in.Data = all.comp
		return in, true
	}
	if !s.null() && !s.command(&all.command) {
		return nil, false
	}
	s.finish()
	in.Data = all.command
	return in, true
}

func (s *scanner) member(m *discordgo.Member, spare **discordgo.User) bool {
	if !s.eat('{') {
		return false
	}
	var seen bool
	for first := true; ; first = false {
		key, more, ok := s.key(first)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		if string(key) == "user" {
			if seen {
				return false
			}
			seen = true
			if m.User, ok = s.user(spare); !ok {
				return false
			}
			continue
		}
		if foldsTo(key, memberKeys) || !s.skip() {
			return false
		}
	}
}

// user decodes a user object or null, into *spare the first time.
func (s *scanner) user(spare **discordgo.User) (*discordgo.User, bool) {
	if s.null() {
		return nil, true
	}
	if !s.eat('{') {
		return nil, false
	}
	u := *spare
	if u == nil {
		u = new(discordgo.User)
	}
	*spare = nil
	var seen uint32
	for first := true; ; first = false {
		key, more, ok := s.key(first)
		if !ok {
			return nil, false
		}
		if !more {
			return u, true
		}
		var bit uint32
		switch string(key) {
		case "id":
			bit, ok = 1<<0, s.str(&u.ID)
		case "email":
			bit, ok = 1<<1, s.str(&u.Email)
		case "username":
			bit, ok = 1<<2, s.str(&u.Username)
		case "avatar":
			bit, ok = 1<<3, s.str(&u.Avatar)
		case "locale":
			bit, ok = 1<<4, s.str(&u.Locale)
		case "discriminator":
			bit, ok = 1<<5, s.str(&u.Discriminator)
		case "global_name":
			bit, ok = 1<<6, s.str(&u.GlobalName)
		case "token":
			bit, ok = 1<<7, s.str(&u.Token)
		case "verified":
			bit, ok = 1<<8, s.bool(&u.Verified)
		case "mfa_enabled":
			bit, ok = 1<<9, s.bool(&u.MFAEnabled)
		case "banner":
			bit, ok = 1<<10, s.str(&u.Banner)
		case "accent_color":
			bit, ok = 1<<11, s.intField(&u.AccentColor)
		case "bot":
			bit, ok = 1<<12, s.bool(&u.Bot)
		case "public_flags":
			bit, ok = 1<<13, s.intField((*int)(&u.PublicFlags))
		case "premium_type":
			bit, ok = 1<<14, s.intField((*int)(&u.PremiumType))
		case "system":
			bit, ok = 1<<15, s.bool(&u.System)
		case "flags":
			bit, ok = 1<<16, s.intField(&u.Flags)
		default:
			ok = !foldsTo(key, userKeys) && s.skip()
		}
		if !ok || seen&bit != 0 {
			return nil, false
		}
		seen |= bit
	}
}

func (s *scanner) command(d *discordgo.ApplicationCommandInteractionData) bool {
	if !s.eat('{') {
		return false
	}
	var seen uint32
	for first := true; ; first = false {
		key, more, ok := s.key(first)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		var bit uint32
		switch string(key) {
		case "id":
			bit, ok = 1<<0, s.str(&d.ID)
		case "name":
			bit, ok = 1<<1, s.str(&d.Name)
		case "type":
			var v uint64
			v, ok = s.uint(math.MaxUint8)
			bit, d.CommandType = 1<<2, discordgo.ApplicationCommandType(v)
		case "resolved":
			// Sent for user, role, channel and attachment options only.
			bit, ok = 1<<3, s.null()
		case "options":
			bit = 1 << 4
			d.Options, ok = s.options()
		case "target_id":
			bit, ok = 1<<5, s.str(&d.TargetID)
		default:
			ok = !foldsTo(key, commandKeys) && s.skip()
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
}

// options decodes an array of options or null.
func (s *scanner) options() ([]*discordgo.ApplicationCommandInteractionDataOption, bool) {
	if s.null() {
		return nil, true
	}
	if !s.eat('[') {
		return nil, false
	}
	if s.depth++; s.depth > maxScanDepth {
		return nil, false
	}
	out := s.spareOptions
	if out == nil {
		out = []*discordgo.ApplicationCommandInteractionDataOption{}
	}
	s.spareOptions = nil
	for first := true; ; first = false {
		more, ok := s.elem(first)
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
		o := s.spareOption
		if o == nil {
			o = new(discordgo.ApplicationCommandInteractionDataOption)
		}
		s.spareOption = nil
		if !s.option(o) {
			return nil, false
		}
		out = append(out, o)
	}
	s.depth--
	return out, true
}

func (s *scanner) option(o *discordgo.ApplicationCommandInteractionDataOption) bool {
	if !s.eat('{') {
		return false
	}
	var seen uint32
	for first := true; ; first = false {
		key, more, ok := s.key(first)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		var bit uint32
		switch string(key) {
		case "name":
			bit, ok = 1<<0, s.str(&o.Name)
		case "type":
			var v uint64
			v, ok = s.uint(math.MaxUint8)
			bit, o.Type = 1<<1, discordgo.ApplicationCommandOptionType(v)
		case "value":
			bit, ok = 1<<2, s.value(&o.Value)
		case "options":
			bit = 1 << 3
			o.Options, ok = s.options()
		case "focused":
			bit, ok = 1<<4, s.bool(&o.Focused)
		default:
			ok = !foldsTo(key, optionKeys) && s.skip()
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
}

// value decodes a string, number, boolean or null into an interface as
// encoding/json does (a number as a float64).
func (s *scanner) value(v *any) bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.strValue(nil, v)
	case c == 'n':
		return s.null()
	case c == 't' || c == 'f':
		var b bool
		ok := s.bool(&b)
		*v = b
		return ok
	case c == '-' || '0' <= c && c <= '9':
		start := s.i
		if !s.number() {
			return false
		}
		// strconv copies what it puts in an error: no allocation here.
		f, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
		*v = f
		return err == nil
	}
	return false
}

func (s *scanner) component(d *discordgo.MessageComponentInteractionData) bool {
	if !s.eat('{') {
		return false
	}
	var seen uint32
	for first := true; ; first = false {
		key, more, ok := s.key(first)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		var bit uint32
		switch string(key) {
		case "custom_id":
			bit, ok = 1<<0, s.str(&d.CustomID)
		case "component_type":
			var v uint64
			v, ok = s.uint(math.MaxUint)
			bit, d.ComponentType = 1<<1, discordgo.ComponentType(v)
		case "resolved":
			// Sent for select menus of users, roles and channels only.
			bit, ok = 1<<2, s.null()
		case "values":
			bit = 1 << 3
			d.Values, ok = s.strings()
		default:
			ok = !foldsTo(key, componentKeys) && s.skip()
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
}

// strings decodes an array of strings or null.
func (s *scanner) strings() ([]string, bool) {
	if s.null() {
		return nil, true
	}
	if !s.eat('[') {
		return nil, false
	}
	// Counted first, so that the fields the arena sets do not move.
	start, n := s.i, 0
	for first := true; ; first = false {
		more, ok := s.elem(first)
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
		if s.i >= len(s.b) || s.b[s.i] != '"' || !s.skipString() {
			return nil, false
		}
		n++
	}
	out := make([]string, n)
	s.i = start
	for i := range out {
		s.elem(i == 0)
		s.strValue(&out[i], nil)
	}
	s.elem(n == 0)
	return out, true
}

// foldsTo reports whether key is one of keys when case is ignored, as
// encoding/json matches a key that matches no field exactly.
func foldsTo(key []byte, keys []string) bool {
	for _, k := range keys {
		if len(k) != len(key) {
			continue
		}
		i := 0
		for i < len(k) && lower(key[i]) == k[i] {
			i++
		}
		if i == len(k) {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// ws skips JSON white space.
func (s *scanner) ws() {
	// Discord sends none: a quick way out, inlined.
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return
	}
	s.skipWS()
}

func (s *scanner) skipWS() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// eat consumes c.
func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// key reads the next key of an object whose '{' has been read, and the
// colon after it; more is false at the closing '}'. The key is ASCII
// without escapes: anything else goes to encoding/json, which unescapes
// it and matches it to fields ignoring case.
func (s *scanner) key(first bool) (key []byte, more, ok bool) {
	s.ws()
	if s.i >= len(s.b) {
		return nil, false, false
	}
	if s.b[s.i] == '}' {
		s.i++
		return nil, false, true
	}
	if !first {
		if s.b[s.i] != ',' {
			return nil, false, false
		}
		s.i++
		s.ws()
	}
	if !s.eat('"') {
		return nil, false, false
	}
	start := s.i
	for ; s.i < len(s.b); s.i++ {
		c := s.b[s.i]
		if c == '"' {
			key = s.b[start:s.i]
			s.i++
			s.ws()
			if !s.eat(':') {
				return nil, false, false
			}
			s.ws()
			return key, true, true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return nil, false, false
		}
	}
	return nil, false, false
}

// elem moves to the next element of an array whose '[' has been read;
// more is false at the closing ']'.
func (s *scanner) elem(first bool) (more, ok bool) {
	s.ws()
	if s.i >= len(s.b) {
		return false, false
	}
	if s.b[s.i] == ']' {
		s.i++
		return false, true
	}
	if !first {
		if s.b[s.i] != ',' {
			return false, false
		}
		s.i++
		s.ws()
	}
	return true, true
}

// null consumes a null.
func (s *scanner) null() bool {
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// bool decodes true, false or null (which leaves *v as it is, as in
// encoding/json).
func (s *scanner) bool(v *bool) bool {
	switch {
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		s.i += 4
		*v = true
		return true
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		s.i += 5
		*v = false
		return true
	}
	return s.null()
}

// str decodes a string or null (which leaves *v as it is).
func (s *scanner) str(v *string) bool {
	if s.null() {
		return true
	}
	return s.strValue(v, nil)
}

// strValue decodes a string into *str, or into *v when str is nil, as
// encoding/json does: escapes undone, a lone or broken surrogate and
// invalid UTF-8 each become U+FFFD.
func (s *scanner) strValue(str *string, v *any) bool {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	start := s.i + 1
	plain := true
	for j := start; ; {
		for j < len(s.b) && strSafe[s.b[j]] {
			j++
		}
		if j >= len(s.b) {
			return false
		}
		switch c := s.b[j]; {
		case c == '"':
			raw := s.b[start:j]
			s.i = j + 1
			off := len(s.arena)
			if plain && (ascii(raw) || utf8.Valid(raw)) {
				s.arena = append(s.arena, raw...)
			} else {
				s.arena = appendUnquoted(s.arena, raw)
			}
			if n := len(s.arena) - off; n > 0 || v != nil {
				s.fix = append(s.fix, strFix{str: str, any: v, off: off, n: n})
			}
			return true
		case c == '\\':
			n := escapeLen(s.b[j:])
			if n == 0 {
				return false
			}
			plain = false
			j += n
		default: // a control character
			return false
		}
	}
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// strSafe is whether a byte may stand for itself in a JSON string.
var strSafe = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\'
	}
	return t
}()

// escapeLen is the length of the valid escape b starts with, 0 if none.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if getu4(b) >= 0 {
			return 6
		}
	}
	return 0
}

// getu4 decodes \uXXXX from the start of b, -1 if it is not one.
func getu4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// appendUnquoted appends the string whose JSON body (valid, without the
// quotes) is raw, as encoding/json's unquote gives it.
func appendUnquoted(dst, raw []byte) []byte {
	for r := 0; r < len(raw); {
		switch c := raw[r]; {
		case c == '\\':
			switch e := raw[r+1]; e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := getu4(raw[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(raw[r:])); dec != unicode.ReplacementChar {
						r += 6
						dst = utf8.AppendRune(dst, dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // " \ /
				dst = append(dst, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(raw[r:])
			dst = utf8.AppendRune(dst, rr)
			r += size
		}
	}
	return dst
}

// skipString skips a string, checking that it is valid JSON.
func (s *scanner) skipString() bool {
	j := s.i + 1
	for {
		for j < len(s.b) && strSafe[s.b[j]] {
			j++
		}
		if j >= len(s.b) {
			return false
		}
		switch s.b[j] {
		case '"':
			s.i = j + 1
			return true
		case '\\':
			n := escapeLen(s.b[j:])
			if n == 0 {
				return false
			}
			j += n
		default:
			return false
		}
	}
}

// number skips a number, checking that it is valid JSON.
func (s *scanner) number() bool {
	b, j := s.b, s.i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
	default:
		return false
	}
	if j < len(b) && b[j] == '.' {
		j++
		d := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == d {
			return false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		d := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == d {
			return false
		}
	}
	s.i = j
	return true
}

// integer decodes an integer of at most 18 digits (so that it fits an
// int64): encoding/json refuses a fraction or an exponent for an integer
// field, and a longer number goes to it.
func (s *scanner) integer(signed bool) (v int64, ok bool) {
	start := s.i
	if !s.number() {
		return 0, false
	}
	lit := s.b[start:s.i]
	neg := lit[0] == '-'
	if neg {
		if !signed {
			return 0, false
		}
		lit = lit[1:]
	}
	if len(lit) > 18 {
		return 0, false
	}
	for _, c := range lit {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// uint decodes an unsigned integer up to max, or null (0).
func (s *scanner) uint(max uint64) (uint64, bool) {
	if s.null() {
		return 0, true
	}
	v, ok := s.integer(false)
	if !ok || uint64(v) > max {
		return 0, false
	}
	return uint64(v), true
}

// int decodes an int, or null (0).
func (s *scanner) int() (int, bool) {
	if s.null() {
		return 0, true
	}
	v, ok := s.integer(true)
	if !ok || v > math.MaxInt || v < math.MinInt {
		return 0, false
	}
	return int(v), true
}

// intField decodes an int, or null (which leaves *v as it is).
func (s *scanner) intField(v *int) bool {
	if s.null() {
		return true
	}
	n, ok := s.int()
	*v = n
	return ok
}

// skip skips a value of any kind, checking that it is valid JSON.
func (s *scanner) skip() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; c {
	case '"':
		return s.skipString()
	case '{', '[':
		if s.depth++; s.depth > maxScanDepth {
			return false
		}
		s.i++
		for first := true; ; first = false {
			s.ws()
			if s.i >= len(s.b) {
				return false
			}
			if s.b[s.i] == c+2 { // '}' or ']'
				s.i++
				break
			}
			if !first {
				if s.b[s.i] != ',' {
					return false
				}
				s.i++
				s.ws()
			}
			if c == '{' {
				if s.i >= len(s.b) || s.b[s.i] != '"' || !s.skipString() {
					return false
				}
				s.ws()
				if !s.eat(':') {
					return false
				}
				s.ws()
			}
			if !s.skip() {
				return false
			}
		}
		s.depth--
		return true
	case 't':
		var b bool
		return s.bool(&b)
	case 'f':
		var b bool
		return s.bool(&b)
	case 'n':
		return s.null()
	}
	return s.number()
}
