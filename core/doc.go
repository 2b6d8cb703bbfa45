// Package core is Kaiketsu's platform-neutral heart: playbooks, diagnosis,
// walkthroughs, answers and hand-offs. It imports no adapter and no chat
// platform library.
//
// A Playbook is knowledge written as data by a support team: the causes
// (Topics) of one kind of trouble, each with a Walkthrough, an ordered or
// branching list of Steps that a person tries one at a time. Diagnosis reads
// the free text a person types and ranks the topics that fit it.
//
// A walkthrough keeps no server state: where the person is (playbook, its
// version, topic, step, and the path taken so far) travels in a short,
// MAC-protected Token carried by each button. The Engine turns a request (a
// typed problem or a clicked button) into an Answer, a neutral value that each
// adapter renders for its platform. When the steps do not help, a Hand-off
// passes the person, with the transcript of what they tried, to a human.
package core
