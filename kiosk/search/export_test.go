package search

// GenerateDocs is generateDocs, for the benchmarks.
var GenerateDocs = generateDocs

// BenchQueries is benchQueries, for the benchmarks.
var BenchQueries = benchQueries
