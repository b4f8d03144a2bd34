/// Model files the tests of several modules read.
public enum ModelTextExamples {
    /// A ShuffleNet V2 unit by hand, with the kinds a file brings in: a shift per channel, an
    /// affine, a leaky ReLU, half the channels passed and half through a branch (slices), a
    /// difference of two layers, the channel shuffle, a global max pool.
    public static let shuffleUnit = """
        model "shuffle unit"
        input 3x16x16
        norm: shift
        scale: affine scale=4 shift=-2
        stem: conv filters=8 kernel=3 padding=1
        act: leakyrelu slope=0.1
        left: slice start=0 end=4 < act
        right: slice start=4 end=8 < act
        branch: conv filters=4 kernel=1
        diff: subtract < branch, right
        cat: concat < left, diff
        shuffle: shuffle groups=2
        pool: globalmaxpool
        fc: dense units=10
        """
}
