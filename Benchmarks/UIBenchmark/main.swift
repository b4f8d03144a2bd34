// UI latency benchmark (release build): start-up to the first frame and key press to the next
// frame, for the largest zoo models. Run with Benchmarks/ui.sh.
import CNNData
import CNNModel
import CNNRuntime
import CNNTUI
import CNNZoo
import Foundation

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) / 1e6
}

func cpuName() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
    return line.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

func ms(_ v: Double) -> String { String(format: "%7.2f ms", v) }

/// The keys a user presses while exploring: moving, paging, opening and closing blocks,
/// searching, switching screens, the picker.
let keys: [Key] =
    Array(repeating: .down, count: 40) + Array(repeating: .pageDown, count: 6)
    + [.enter, .enter, .character("+"), .pageDown, .pageDown, .character("-"), .character("+")]
    + [.character("/")] + "conv2".map { Key.character($0) } + [.enter, .character("n"), .character("n"), .character("N")]
    + [.character("2")] + Array(repeating: .down, count: 20) + [.character("c"), .right, .right, .left, .character("c")]
    + [.character("3"), .down, .right, .right, .character("1"), .character("m"), .character("r"), .escape]
    + Array(repeating: .up, count: 20) + [.end, .home]

print("cnn-tui UI benchmark: \(cpuName())")
print("(OpenBLAS is not used by the UI.) Terminal 120x40; times per frame: update + render + diff.")
print("")
print("model            layers  start-up   key median   key p99    key max  (\(keys.count) keys, 5 runs)")
let models = ["nasnet_mobile", "densenet121", "inception_v3", "resnet152", "vgg16"]
var worstKey = 0.0, worstStart = 0.0
for name in models {
    var startups: [Double] = []
    var latencies: [Double] = []
    var layers = 0
    for _ in 0..<5 {
        let t0 = now()
        let model = Zoo.model(named: name)!
        let backend = TestBackend(width: 120, height: 40)
        let runner = AppRunner(state: try AppState(model: model), backend: backend)
        runner.draw()
        startups.append(now() - t0)
        layers = runner.state.analysis.graph.layers.count
        for key in keys {
            let t = now()
            runner.step(key)
            latencies.append(now() - t)
        }
    }
    let start = percentile(startups, 0.5)
    worstStart = max(worstStart, start)
    worstKey = max(worstKey, latencies.max()!)
    print(
        name.padding(toLength: 15, withPad: " ", startingAt: 0) + String(format: " %7d ", layers) + ms(start) + "   " + ms(percentile(latencies, 0.5))
            + "  " + ms(percentile(latencies, 0.99)) + "  " + ms(latencies.max()!))
}
print("")
print("worst start-up (median of 5) \(ms(worstStart)), goal < 150 ms; worst key \(ms(worstKey)), goal < 16 ms")

// The feature-map screen while the engine computes on its own thread: keys must still get a new
// frame quickly. vgg16 on an ImageNet photo: weights are prepared, then the 40 layers computed;
// every key is pressed while that work is under way (`]` starts the next photo, cancelling).
print("")
print("Feature maps while the engine works (vgg16 at 3x224x224 on imagenet photos, 120x40):")
guard let assets = SampleFiles.locate(executable: CommandLine.arguments[0], environment: ProcessInfo.processInfo.environment) else {
    print("no Assets/ found; run from the repository")
    exit(1)
}
let mapKeys: [Key] = [
    .character("n"), .right, .right, .down, .character("d"), .character("s"), .enter, .escape,
    .character("p"), .pageDown, .character("w"), .character("w"), .character("]"),
]
var busyLatencies: [Double] = []
var idleLatencies: [Double] = []
var passes = 0
let backend = TestBackend(width: 120, height: 40)
var state = try AppState(model: Zoo.model(named: "vgg16")!, samples: SampleCache(files: assets))
try state.chooseSample(SampleID(.imagenet, 0))
let runner = AppRunner(state: state, backend: backend)
runner.step(.character("4"))
runner.step(.character("g"))
let deadline = now() + 20_000
var i = 0
while now() < deadline && busyLatencies.count < 400 {
    let busy = runner.state.featureMaps.session?.isBusy ?? false
    let t = now()
    runner.step(mapKeys[i % mapKeys.count])
    let elapsed = now() - t
    if busy { busyLatencies.append(elapsed) } else { idleLatencies.append(elapsed) }
    if mapKeys[i % mapKeys.count] == .character("]") { passes += 1 }
    i += 1
    usleep(20_000)  // a fast typist: 50 keys a second
}
runner.state.featureMaps.session?.waitUntilIdle()
print(
    "keys while computing: \(busyLatencies.count), median \(ms(percentile(busyLatencies, 0.5))), p99 \(ms(percentile(busyLatencies, 0.99))), max \(ms(busyLatencies.max() ?? 0)); goal < 16 ms"
)
if !idleLatencies.isEmpty {
    print("keys with the engine idle: \(idleLatencies.count), median \(ms(percentile(idleLatencies, 0.5))), max \(ms(idleLatencies.max()!))")
}
print("photos started (each cancels the pass before): \(passes)")
