package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/hcbench/hcbench/report/internal/fsys"
)

// NextRunID is the run_id for a run starting at now that will append to
// the JSONL at jsonlPath: the start time in whole Unix seconds, as the
// reference's run_id, but always above every run_id already in the file, so
// that two runs started within the same second (scripts, tests, the TUI's
// restart key) never share an id. A missing file gives now.Unix().
//
// Lines that do not parse are skipped rather than refused: only the ids are
// needed, and a malformed history is reported by whoever reads it for its
// results. The error is for a file that exists but cannot be read; it names
// the path.
func NextRunID(jsonlPath string, now time.Time) (int64, error) {
	f, err := os.Open(jsonlPath)
	if errors.Is(err, fs.ErrNotExist) {
		return now.Unix(), nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading run ids from %s: %w", jsonlPath, fsys.UnwrapPath(err))
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	var ids []int64
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var rec struct {
				RunID *int64 `json:"run_id"`
			}
			if json.Unmarshal(line, &rec) == nil && rec.RunID != nil {
				ids = append(ids, *rec.RunID)
			}
		}
		if err == io.EOF {
			return nextRunID(ids, now), nil
		}
		if err != nil {
			return 0, fmt.Errorf("reading run ids from %s: %w", jsonlPath, fsys.UnwrapPath(err))
		}
	}
}
