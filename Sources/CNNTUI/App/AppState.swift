import CNNData
import CNNModel
import CNNRuntime
import CNNZoo

/// The screens, in tab order; the number keys choose them.
public enum ScreenID: Int, CaseIterable, Sendable {
    case graph = 1
    case receptiveField, calculator, featureMaps

    public var title: String {
        switch self {
        case .graph: return "Graph"
        case .receptiveField: return "Receptive field"
        case .calculator: return "Calculator"
        case .featureMaps: return "Feature maps"
        }
    }

    /// The tab's label on a narrow terminal, so that the model's name still fits beside the tabs.
    public var shortTitle: String {
        switch self {
        case .graph: return "Graph"
        case .receptiveField: return "RF"
        case .calculator: return "Calc"
        case .featureMaps: return "Maps"
        }
    }
}

/// Panels drawn over the screen; Esc closes them.
public enum Overlay {
    /// The keys of the screen; the rows scrolled by `scroll` when they do not all fit.
    case help(scroll: Int)
    case picker(ModelPicker)
    /// The selected layer's settings being edited (`e`).
    case edit(LayerEditor)
    /// The file the network is being saved to (`W`), as typed.
    case save(path: String)
    /// A layer to add after the selected one (`a`), as a model-file line: `bn: batchnorm`.
    case add(line: String)
    /// The counting conventions (`c`), or the model compared with another (Tab in the picker).
    case report(ReportPanel)
}

/// Everything the UI shows, as a value: keys change it, and drawing is a function of it.
public struct AppState {
    public internal(set) var model: ZooModel
    public private(set) var options: ZooOptions
    public internal(set) var analysis: ModelAnalysis
    /// The edits made in the browser, latest last, for `u` to undo.
    public internal(set) var edits: [EditStep] = []
    public var screen: ScreenID = .graph
    public var graph: GraphBrowser
    public var receptiveField: ReceptiveFieldScreenState
    public var calculator: CalculatorScreenState
    public var featureMaps: FeatureMapsState
    public var overlay: Overlay?
    /// A one-line message in the footer (an error, a search result), cleared by the next key.
    public var status: String?
    public var theme: Theme
    public var size: (width: Int, height: Int)
    public var shouldQuit = false
    /// Quit by Ctrl-C: the program exits with 130, as a shell expects of an interrupted command.
    public var interrupted = false

    /// The smallest terminal the screens are laid out for.
    public static let minimumSize = (width: 80, height: 24)

    /// - Parameters:
    ///   - samples: the bundled samples the feature-map screen runs (none: it says so)
    public init(
        model: ZooModel, input: TensorShape? = nil, options: ZooOptions = ZooOptions(),
        theme: Theme = Theme(), size: (width: Int, height: Int) = (120, 40), samples: SampleCache? = nil
    ) throws(AnalysisError) {
        let analysis = try model.analysis(input: input, options: options)
        self.model = model
        self.options = options
        self.analysis = analysis
        self.graph = GraphBrowser(graph: analysis.graph)
        self.receptiveField = ReceptiveFieldScreenState(analysis: analysis)
        self.calculator = CalculatorScreenState()
        self.featureMaps = FeatureMapsState(samples: samples, input: analysis.input)
        self.theme = theme
        self.size = size
    }

    /// Switches to another model at its default input, keeping the screen; on an error, keeps the
    /// current model and says why.
    public mutating func open(_ next: ZooModel) {
        do {
            let analysis = try next.analysis(options: options)
            model = next
            self.analysis = analysis
            edits = []
            graph = GraphBrowser(graph: analysis.graph)
            receptiveField = ReceptiveFieldScreenState(analysis: analysis)
            let previous = featureMaps
            featureMaps = FeatureMapsState(samples: previous.samples, input: analysis.input)
            featureMaps.perLayerScale = previous.perLayerScale
            featureMaps.signed = previous.signed
            if previous.session != nil { startEngine() }
            status = "Opened \(next.title)"
        } catch {
            status = "\(next.name): \(error)"
        }
    }

    public var isTooSmall: Bool {
        size.width < Self.minimumSize.width || size.height < Self.minimumSize.height
    }

    /// The layer shared by the graph, receptive-field and feature-map screens.
    public var selectedLayer: Int? { graph.selectedLayer }

    /// Starts the engine on the current model and sample (the feature-map screen does when it
    /// first shows); a no-op when it runs already.
    public mutating func startEngine() {
        featureMaps.start(model: model, analysis: analysis)
        refreshExplanation()  // the layer may have changed on another screen
    }

    /// Chooses the bundled sample the feature maps run; one that does not exist is an error.
    public mutating func chooseSample(_ id: SampleID) throws {
        guard let samples = featureMaps.samples else { throw SampleChoiceError("no bundled samples found (Assets/)") }
        _ = try samples.sample(id)
        featureMaps.dataset = id.dataset
        featureMaps.index = id.index
        featureMaps.fileSample = nil
        featureMaps.runSample()
    }
}

/// A sample that cannot be chosen, with the reason.
public struct SampleChoiceError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
