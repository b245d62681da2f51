package web

import (
	"strings"

	"github.com/ercms/ercms"
)

// noticeAbout names the case of notification n: its reference and, as far
// as the reader may know, who it is about.
func noticeAbout(n ercms.Notification) string {
	name := strings.TrimSpace(n.GivenNames + " " + n.Surname)
	if name == "" {
		return n.Reference
	}
	return n.Reference + " – " + name
}
