// Command depenses reads the attachments of the State's purchase orders and
// extracts what they say. See README.md and docs/ for its use.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "depenses",
		Short:         "Dépenses éclairées : lecture et enrichissement des pièces jointes des engagements juridiques",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var data dataFlags
	data.register(root)
	root.AddCommand(serveCommand(&data), apikeyCommand(&data), userCommand(&data), syncCommand(&data))
	root.AddCommand(textCommand(), extractCommand(), evalCommand(), synthCommand(),
		ingestCommand(&data), reprocessCommand(&data), exportCommand(&data), statsCommand(&data), referentialCommand(&data), anomaliesCommand(&data), indicatorsCommand(&data), workerCommand(&data))
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "erreur :", err)
		os.Exit(2)
	}
}
