package core

import (
	"crypto/sha256"
	"encoding/binary"
)

// Text is a piece of text in several languages, keyed by language code.
type Text map[string]string

// Get returns the text in lang, falling back to fallback and then to any
// language present, so that a renderer always has something to show.
func (t Text) Get(lang, fallback string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	if s, ok := t[fallback]; ok {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
}

// List is a list of strings in several languages, keyed by language code.
type List map[string][]string

// Len is the number of texts in l, every language together.
func (l List) Len() int {
	n := 0
	for _, texts := range l {
		n += len(texts)
	}
	return n
}

// add appends text in lang, making l when it is nil.
func (l *List) add(lang, text string) {
	if *l == nil {
		*l = List{}
	}
	(*l)[lang] = append((*l)[lang], text)
}

// Targets of "didn't work" and of choices.
const (
	// GoHandoff hands the person to a human.
	GoHandoff = "handoff"
	// GoResolved closes the walkthrough as solved (choices only).
	GoResolved = "resolved"
	// GoTopicPrefix jumps to the first step of another topic: "topic:ID".
	GoTopicPrefix = "topic:"
)

// Playbook is the knowledge about one kind of trouble.
type Playbook struct {
	ID          string
	Languages   []string
	Title       Text
	Description Text
	// Contact says how to reach a person when the steps do not help.
	Contact Text
	Topics  []*Topic
	// OutOfScope holds phrasings this playbook does not cover; diagnosis
	// uses them as negative examples.
	OutOfScope List
	// General holds phrasings of the playbook's trouble that name no
	// cause ("I can't sign in"): diagnosis learns that their words point
	// at no topic in particular, so such a message is answered with the
	// causes to choose from rather than one of them at a guess.
	General List
	// About names the playbook's subject and other services people
	// confuse with it; nil when the playbook does not say.
	About *About

	// Source names the file the playbook was loaded from.
	Source string
	// Fingerprint identifies this version of the playbook; tokens minted
	// for another version are stale.
	Fingerprint uint32

	steps   []*Step // every step of every topic, indexed by Step.index
	byTopic map[string]*Topic
	// phrasings are the patterns of the playbook's phrasing files, read by
	// LoadDir (see phrasings.go); phrasingsLines are their lines, for errors.
	phrasings      []string
	phrasingsLines []int
	// outPhrasings and generalPhrasings are the phrasing files' lines
	// labelled none and general.
	outPhrasings, generalPhrasings List
}

// Topic is one cause the person may have, with its walkthrough.
type Topic struct {
	ID       string
	Title    Text
	Summary  Text
	Urgent   bool
	Examples List
	// phrasings are what people wrote about this topic, from the
	// playbook's phrasing files (see phrasings.go).
	phrasings List
	Keywords  List
	Steps     []*Step

	index    int
	playbook *Playbook
}

// Step is one thing to try.
type Step struct {
	ID    string
	Title Text
	Text  Text
	Do    List
	// Next is where "didn't work" leads: a step ID of the same topic,
	// "topic:ID", or "handoff". Empty means the following step, or a
	// hand-off after the last one.
	Next    string
	Choices []*Choice

	index int // position in Playbook.steps
	pos   int // position in Topic.Steps
	topic *Topic
	// Worked out once at load for the answers that show this step: the
	// path of a walk that starts here (read only: a walk that moves on
	// copies it), and "Step 2 of 5" in each of the playbook's languages.
	path     []int
	progress []string
}

// Choice is a branch the person picks instead of a plain "didn't work".
type Choice struct {
	Label Text
	Go    string
}

// Lang returns the language the playbook answers in for want: want itself
// when the playbook has it, else def, else its first language.
func (p *Playbook) Lang(want, def string) string {
	for _, l := range []string{want, def} {
		for _, have := range p.Languages {
			if l == have {
				return l
			}
		}
	}
	return p.Languages[0]
}

// Topic returns the topic with the given ID, or nil.
func (p *Playbook) Topic(id string) *Topic { return p.byTopic[id] }

// OutOfScopePhrasings are the lines of the playbook's phrasing files
// labelled none, by language.
func (p *Playbook) OutOfScopePhrasings() List { return p.outPhrasings }

// GeneralPhrasings are the lines of the playbook's phrasing files
// labelled general, by language.
func (p *Playbook) GeneralPhrasings() List { return p.generalPhrasings }

// PhrasingCount is the number of lines of the playbook's phrasing files.
func (p *Playbook) PhrasingCount() int {
	n := p.outPhrasings.Len() + p.generalPhrasings.Len()
	for _, t := range p.Topics {
		n += t.phrasings.Len()
	}
	return n
}

// Phrasings are the lines of the playbook's phrasing files about t, by
// language.
func (t *Topic) Phrasings() List { return t.phrasings }

// Playbook returns the playbook the topic belongs to.
func (t *Topic) Playbook() *Playbook { return t.playbook }

// Topic returns the topic the step belongs to.
func (s *Step) Topic() *Topic { return s.topic }

// Number is the step's 1-based position in its topic's walkthrough.
func (s *Step) Number() int { return s.pos + 1 }

// link fills the back-references and the flat step index used by tokens.
func (p *Playbook) link(src []byte) {
	p.byTopic = make(map[string]*Topic, len(p.Topics))
	p.steps = p.steps[:0]
	for ti, t := range p.Topics {
		t.index, t.playbook = ti, p
		p.byTopic[t.ID] = t
		for si, s := range t.Steps {
			s.index, s.pos, s.topic = len(p.steps), si, t
			p.steps = append(p.steps, s)
			s.path = []int{s.index}
			s.progress = make([]string, len(p.Languages))
			for li, l := range p.Languages {
				s.progress[li] = formatInts(msg(msgStepOf, l), s.Number(), len(t.Steps))
			}
		}
	}
	h := sha256.New()
	h.Write([]byte(p.ID))
	h.Write([]byte{0})
	h.Write(src)
	p.Fingerprint = binary.BigEndian.Uint32(h.Sum(nil))
}

// follow resolves a "didn't work" or choice target from step s. It returns
// the next step, or a terminal (GoHandoff, GoResolved) with a nil step.
func (p *Playbook) follow(s *Step, target string) (*Step, string) {
	switch {
	case target == "":
		if s.pos+1 < len(s.topic.Steps) {
			return s.topic.Steps[s.pos+1], ""
		}
		return nil, GoHandoff
	case target == GoHandoff || target == GoResolved:
		return nil, target
	case len(target) > len(GoTopicPrefix) && target[:len(GoTopicPrefix)] == GoTopicPrefix:
		if t := p.byTopic[target[len(GoTopicPrefix):]]; t != nil {
			return t.Steps[0], ""
		}
	default:
		for _, o := range s.topic.Steps {
			if o.ID == target {
				return o, ""
			}
		}
	}
	return nil, GoHandoff
}
