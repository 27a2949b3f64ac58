package tui

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// osc52 is the escape sequence that asks the terminal to put s on the
// clipboard. Terminals that do not support it ignore it; tmux passes it on
// with set-clipboard on.
func osc52(s string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(s)) + "\a"
}

// cmdlineModel shows the command line in a box until a key closes it.
type cmdlineModel struct {
	line   string
	copied bool // the OSC 52 sequence was sent
}

func (c *cmdlineModel) Update(msg tea.KeyMsg) keys.Action {
	if key.Matches(msg, keys.Quit) && msg.String() == "q" {
		return keys.ActQuit
	}
	return keys.ActClose // any other key closes it
}

func (c *cmdlineModel) View(st theme.Styles, w, h int) string {
	note := "select it with the mouse (shift+drag in most terminals) to copy it"
	if c.copied {
		note = "sent to the clipboard (OSC 52) where the terminal allows; or select it with the mouse"
	}
	inner := lipgloss.JoinVertical(lipgloss.Left,
		st.PaneTitle.Render("The same sweep from a shell"),
		"",
		wrapAtSpaces(c.line, max(10, w-8)),
		"",
		st.Subtle.Render(note),
		st.Subtle.Render("any key closes"))
	box := st.Pane.Width(max(10, w-4)).Render(inner)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// copyCmd writes the clipboard sequence to the terminal, off the UI path.
func copyCmd(w io.Writer, s string) tea.Cmd {
	if w == nil {
		return nil
	}
	return safeCmd(func() tea.Msg {
		fmt.Fprint(w, osc52(s))
		return nil
	})
}

// wrapAtSpaces breaks s between words only, so no flag is cut in two.
func wrapAtSpaces(s string, w int) string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		if cur != "" && lipgloss.Width(cur)+1+lipgloss.Width(word) > w {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += word
	}
	return strings.Join(append(lines, cur), "\n")
}
