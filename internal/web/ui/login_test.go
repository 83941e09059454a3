package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestLoginOIDCButton shows the ProConnect button only when OIDC is
// configured, carrying the page to return to.
func TestLoginOIDCButton(t *testing.T) {
	for _, oidc := range []bool{false, true} {
		var buf bytes.Buffer
		if err := loginPage(loginView{Next: "/ej/1300000001?x=1", OIDC: oidc}).Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		has := strings.Contains(buf.String(), `href="/connexion/oidc?suite=%2Fej%2F1300000001%3Fx%3D1"`)
		if has != oidc {
			t.Errorf("OIDC %v: button present = %v", oidc, has)
		}
	}
}
