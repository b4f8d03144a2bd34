import CNNModel
import Foundation

/// How analysis values read on screen and in reports, in one place.
public enum Display {
    /// `64x56x56`, or `1000` for a flat vector.
    public static func shape(_ shape: TensorShape) -> String {
        shape.description
    }

    /// `0` as `--` (torchinfo's way of saying "nothing to count"), otherwise with separators.
    public static func count(_ value: Int) -> String {
        value == 0 ? "--" : value.grouped
    }

    /// `212`, `7x13` for non-square fields, `99-195` where paths differ, `global` past global
    /// pooling, with `~` when adaptive pooling made it approximate.
    public static func receptiveField(_ rf: ReceptiveField) -> String {
        let prefix = rf.isApproximate ? "~" : ""
        if rf.isGlobal && !rf.isMultiPath { return "global" }
        let max = rf.isGlobal ? "global" : rf.size.rfText
        return prefix + (rf.isMultiPath ? "\(rf.minSize.rfText)-\(max)" : max)
    }

    /// The field's size in words, for an inspector or a caption: `7x7`, `3x3 to 7x7 (paths
    /// differ)`, `224x224, global` once a dense layer or global pooling lies on the path (the
    /// one word for "every unit sees the whole input"), `~` first when approximate.
    public static func fieldSize(_ rf: ReceptiveField) -> String {
        var size = "\(rf.size.h)x\(rf.size.w)"
        if rf.isMultiPath { size = "\(rf.minSize.h)x\(rf.minSize.w) to \(size) (paths differ)" }
        if rf.isGlobal { size += ", global" }
        return rf.isApproximate ? "~" + size : size
    }

    public static func jump(_ rf: ReceptiveField) -> String {
        rf.jump.rfText
    }

    /// The centre of the first unit's field: `(-0.5, -0.5)` style, as `start` in Araujo et al.
    public static func start(_ rf: ReceptiveField) -> String {
        rf.startH == rf.startW ? number(rf.startH) : "\(number(rf.startH)),\(number(rf.startW))"
    }

    /// A number without a needless `.0`.
    public static func number(_ value: Double) -> String {
        // Whole numbers as integers while they are exact ones; beyond 2^53 (absurd strides and
        // paddings from a file) in exponent form.
        guard abs(value) < 0x1p53 else { return value.isNaN ? "nan" : String(format: "%.3g", value) }
        return value == value.rounded() ? String(Int(value)) : formatFixed(value, digits: 1)
    }

    /// Mult-adds with a unit: `4.09 G`, `152`.
    public static func macsShort(_ value: Int) -> String {
        value.abbreviated
    }

    /// Megabytes as torchinfo prints them (10^6 bytes, two decimals).
    public static func megabytes(_ bytes: Int) -> String {
        formatFixed(Double(bytes) / 1e6, digits: 2)
    }
}

extension Size2 {
    /// `212` for square, `7x13` otherwise.
    var rfText: String { h == w ? "\(h)" : "\(h)x\(w)" }
}
