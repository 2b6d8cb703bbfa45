package workers

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestJobsNeverWait: jobs that block do not hold up the next one; each
// gets a worker at once.
func TestJobsNeverWait(t *testing.T) {
	p := New(time.Minute)
	release := make(chan struct{})
	var started sync.WaitGroup
	const n = 50
	started.Add(n)
	for range n {
		p.Go(func() {
			started.Done()
			<-release
		})
	}
	done := make(chan struct{})
	go func() { started.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("blocked jobs kept others from starting")
	}
	close(release)
}

// TestWorkersAreReused: jobs one after another run on the same worker.
func TestWorkersAreReused(t *testing.T) {
	p := New(time.Minute)
	before := runtime.NumGoroutine()
	var ran atomic.Int64
	for range 100 {
		done := make(chan struct{})
		p.Go(func() { ran.Add(1); close(done) })
		<-done
		// Let the worker get back to waiting before the next job.
		for range 1000 {
			if runtime.NumGoroutine() <= before+1 {
				break
			}
			runtime.Gosched()
		}
	}
	if ran.Load() != 100 {
		t.Fatalf("%d of 100 jobs ran", ran.Load())
	}
	if extra := runtime.NumGoroutine() - before; extra > 2 {
		t.Errorf("100 jobs in a row left %d goroutines, want about 1", extra)
	}
}

// TestIdleWorkersExit: after a burst, the workers go away.
func TestIdleWorkersExit(t *testing.T) {
	before := runtime.NumGoroutine()
	p := New(20 * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(30)
	for range 30 {
		p.Go(func() { time.Sleep(5 * time.Millisecond); wg.Done() })
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines a while after the burst, %d before", n, before)
	}
}
