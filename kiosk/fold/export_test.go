package fold

// FoldSlow is foldSlow, for tests that check the fast path against it.
var FoldSlow = foldSlow

// FoldFast is foldFast, for tests.
var FoldFast = foldFast

// SelfRange is selfRange, for tests.
var SelfRange = selfRange
