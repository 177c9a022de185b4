package nbplot

import (
	"fmt"
	"html"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Progress returns a callback for long computations (the Progress field of
// sim.Config, say) that shows "label: done/total (elapsed)" in the cell's
// output and updates it in place. In a headless run the last state is what
// the executed notebook keeps. Outside a GoNB kernel it does nothing.
func Progress(label string) func(done, total int) {
	if !gonbui.IsNotebook {
		return func(int, int) {}
	}
	id := "nbplot-progress-" + gonbui.UniqueID()
	start := time.Now()
	return func(done, total int) {
		msg := fmt.Sprintf("<code>%s: %d/%d (%.1f s)</code>", html.EscapeString(label), done, total, time.Since(start).Seconds())
		gonbui.UpdateHTML(id, msg)
		if done == total {
			gonbui.Sync()
		}
	}
}
