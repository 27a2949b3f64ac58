// Command modzip checks that the module at the given directory can be
// published: golang.org/x/mod/zip.CreateFromDir (what the proxy and
// `go install …@version` use) must accept every file git tracks. It is a
// module of its own so that the project's go.mod needs no x/mod.
package main

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: modzip MODULE_PATH DIR")
		os.Exit(2)
	}
	mv := module.Version{Path: os.Args[1], Version: "v0.0.0-20260101000000-000000000000"}
	if err := zip.CreateFromDir(io.Discard, mv, os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "module zip refused %s: %v\n", os.Args[2], err)
		os.Exit(1)
	}
	fmt.Println("module zip: ok")
}
