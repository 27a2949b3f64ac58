package bench

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Flag names of a sharded run: which part of the grid it measures and the
// run id its shards share.
const (
	FlagShard = "shard"
	FlagRunID = "run-id"
)

// MaxShards is the most shards a grid is split into.
const MaxShards = 100_000

// Shard is part Index (0-based) of Count of a grid: `--shard I/N`. Package
// engine/shard says which configs each part holds.
type Shard struct {
	Index, Count int
}

// String is the flag's spelling, "I/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// IsZero reports an unsharded run.
func (s Shard) IsZero() bool { return s == Shard{} }

// ParseShard reads `--shard I/N`: I in 0..N-1, N in 1..MaxShards.
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, errors.New("want I/N, the 0-based shard I of N shards, e.g. 0/4")
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 1 || n > MaxShards {
		return Shard{}, fmt.Errorf("N must be an integer in 1..%d", MaxShards)
	}
	i, err := strconv.Atoi(strings.TrimSpace(is))
	if err != nil || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("I must be an integer in 0..%d (shards are numbered from 0)", n-1)
	}
	return Shard{Index: i, Count: n}, nil
}

// ParseRunID reads `--run-id ID`, a positive integer (a Slurm array job id
// or a Unix time, as run ids are).
func ParseRunID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id < 1 {
		return 0, errors.New("want a positive integer")
	}
	return id, nil
}
