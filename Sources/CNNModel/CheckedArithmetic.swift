/// Products and sums that report overflow instead of trapping, so that absurd inputs
/// (a 3x10^10x10^10 image) become an error message rather than a crash.

/// The product of `values`, or nil if it overflows `Int`.
public func checkedProduct(_ values: [Int]) -> Int? {
    var result = 1
    for value in values {
        let (product, overflow) = result.multipliedReportingOverflow(by: value)
        if overflow { return nil }
        result = product
    }
    return result
}

/// The sum of `values`, or nil if it overflows `Int`.
public func checkedSum(_ values: [Int]) -> Int? {
    var result = 0
    for value in values {
        let (sum, overflow) = result.addingReportingOverflow(value)
        if overflow { return nil }
        result = sum
    }
    return result
}
