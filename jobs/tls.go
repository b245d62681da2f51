package jobs

import "crypto/tls"

// tlsConfig is the TLS of STARTTLS: the server's name is checked against
// the system's roots; TLS 1.2 at least.
var tlsConfig = func(host string) *tls.Config {
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}
