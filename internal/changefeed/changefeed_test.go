package changefeed

import "testing"

// Wait hands out a channel that Notify closes, once; a later Wait waits for the next Notify.
func TestSignal(t *testing.T) {
	s := NewSignal()
	first := s.Wait()
	select {
	case <-first:
		t.Fatal("closed before any Notify")
	default:
	}
	s.Notify()
	<-first
	second := s.Wait()
	select {
	case <-second:
		t.Fatal("a Wait after Notify must wait for the next one")
	default:
	}
	s.Notify()
	<-second
	var none *Signal
	if none.Wait() != nil {
		t.Fatal("a nil signal must never wake (nil channel)")
	}
}
