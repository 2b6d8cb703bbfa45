// Package workers runs background jobs on goroutines that stay a while
// for the next job.
//
// Every Slack click is acknowledged at once and answered from a
// background job (the response_url post). A new goroutine per job starts
// on a small stack and grows it, copying, each time a job runs deep
// enough (TLS, HTTP, logging): together about a twentieth of a click's
// CPU. A goroutine that has already grown, waiting for the next job,
// costs neither.
package workers

import "time"

// Pool hands jobs to idle workers and starts a new worker when none is
// idle, so a job never waits for another to finish. A worker idle for
// longer than the pool's idle time exits: a burst leaves no goroutines
// behind.
type Pool struct {
	jobs chan func()
	idle time.Duration
}

// New returns a pool whose workers exit after idle without a job.
func New(idle time.Duration) *Pool {
	return &Pool{jobs: make(chan func()), idle: idle}
}

// Go runs f on a worker. f must recover its own panics: a panic ends the
// program, as it would on a goroutine of its own.
func (p *Pool) Go(f func()) {
	select {
	case p.jobs <- f: // a worker was waiting
	default:
		go p.work(f)
	}
}

func (p *Pool) work(f func()) {
	f()
	t := time.NewTimer(p.idle)
	defer t.Stop()
	for {
		select {
		case f := <-p.jobs:
			f()
			t.Reset(p.idle)
		case <-t.C:
			return
		}
	}
}
