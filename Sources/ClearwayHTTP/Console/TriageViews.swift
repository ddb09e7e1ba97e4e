import ClearwayCore
import ClearwayEngine
import ClearwayIntelligence
import Foundation

/// How a customer's message was read (on the case), the form to correct it, and the
/// Models page: which classifier serves, its health, versions, card and drift.
enum TriageViews {
    static func reading(_ t: MessageTriage?) -> HTML {
        guard let t else { return "" }
        let who: String = switch t.decidedBy {
        case .model: "the model \(t.modelVersion ?? "")\(t.confidence.map { " at \(percent($0)) confidence" } ?? "")"
        case .rules: "the rules (\(t.note ?? ""))"
        case .person: t.note ?? "a person"
        }
        return "<p class=\"triage\">Read as <strong>\(t.requestType)</strong> by \(who) · sent to \(t.queue)</p>"
    }

    static func correction(_ e: ExceptionRecord, caseId: String, session: ConsoleSession, requestTypes: [String]) -> HTML {
        guard e.type == .customerRequest, session.user.role.allows(.workExceptions), !e.lifecycle.state.isClosed else { return "" }
        let current = e.finding.triage?.requestType
        return """
        <form method="post" action="/console/cases/\(caseId)/exceptions/\(e.id)/request-type" class="actions">\(Layout.csrfField(session))
        <label>Read as<select name="requestType">\(requestTypes.map { t -> HTML in "<option value=\"\(t)\"\(t == current ? " selected" as HTML : "")>\(t)</option>" })</select></label>
        <label>Why<input name="reason" maxlength="500"></label><button type="submit">Correct the request type</button></form>
        """
    }

    static func percent(_ p: Double) -> String { String(format: "%.0f%%", p * 100) }

    static func warning(_ health: MessageReader.Health) -> HTML {
        guard let problem = health.problem else { return "" }
        return "<p class=\"notice error\" role=\"alert\">Message classifier unavailable: \(problem). <a href=\"/console/models\">Models</a></p>"
    }

    static func page(health: MessageReader.Health, threshold: Double, gate: ModelGate, versions: [StoredModelVersion], history: [ModelServingChange],
                     card: ModelCard?, drift: TextProfile.Drift?, session: ConsoleSession, notice: HTML) -> HTML {
        let status: HTML = if let v = health.version {
            "<p>Serving <strong>\(MessageReader.kind)@\(v)</strong> (\(health.labels) request types). Its answers are used at \(percent(threshold)) confidence or more; below that the rules decide.</p>"
        } else if health.problem == nil {
            "<p>No model serves: customer messages are read by the rules. Train one with <code>clearway model train</code>, store it with <code>clearway model register</code> and put it in service with <code>clearway model promote</code>.</p>"
        } else { "" }
        let counts: HTML = "\(readingPart(health))<p class=\"muted\">On this node since it started: \(health.decidedByModel) read by the model, \(health.decidedByRules) by the rules, \(health.modelFailures) model failures.</p>"
        let driftPart: HTML = drift.map { d in
            """
            <section class="card" aria-labelledby="drift-h"><h2 id="drift-h">Drift</h2>
            <p>Population stability of the last 30 days' \(d.recent) messages against the serving model's training data (under 0.10 stable, 0.10–0.25 a moderate shift, above 0.25 a major one):
            message length \(String(format: "%.3f", d.inputStability)) (\(band(d.inputStability, d.recent))), request types read \(String(format: "%.3f", d.predictionStability)) (\(band(d.predictionStability, d.recent)))\(meaningDrift(d)).</p></section>
            """
        } ?? "<p class=\"muted\">Drift is shown once a model serves and messages have arrived.</p>"
        let manage = session.user.role.allows(.manageModels)
        let rows = versions.map { v -> HTML in
            let m = v.metadata
            let problems = m?.problems(under: gate) ?? ["its stored summary cannot be read"]
            // Below the quality gate, a person may still put it in service, saying why.
            let why: HTML = problems.isEmpty ? "" : "<label>Why, although below the gate<input name=\"reason\" required maxlength=\"500\"></label>"
            let promote: HTML = manage && v.version != health.version ? """
                <form method="post" action="/console/models/promote" class="actions">\(Layout.csrfField(session))<input type="hidden" name="version" value="\(v.version)">\(why)<button type="submit">Put in service</button></form>
                """ : ""
            let quality: HTML = problems.isEmpty ? "passes" : "<span class=\"warn\">below the quality gate: \(problems.joined(separator: "; "))</span>"
            return "<tr><td>\(v.version)\(v.version == health.version ? " (serving)" : "")</td><td>\(Format.time(v.createdAt))</td><td>\(v.createdBy)</td><td>\(m?.summary.examples ?? 0)</td><td><code>\(String(v.dataHash.prefix(12)))</code></td><td class=\"num\">\(m?.evaluation.map { String(format: "%.4f", $0.macroF1) } ?? "–")</td><td>\(m?.sentence.map { "TF-IDF + \($0.encoder)" } ?? "TF-IDF")</td><td>\(quality)</td><td>\(promote)</td></tr>"
        }
        let rollback = manage ? rollbackForm("/console/models/rollback", history: history, session: session) : ""
        let changes = servingChanges(history)
        let body: HTML = """
        \(notice)\(warning(health))\(status)\(counts)
        <section class="card" aria-labelledby="versions-h"><h2 id="versions-h">Versions</h2>
        <div class="tablewrap"><table><thead><tr><th scope="col">Version</th><th scope="col">Stored</th><th scope="col">By</th><th scope="col">Examples</th><th scope="col">Training data</th><th scope="col" class="num">Held-out macro-F1</th><th scope="col">Reads with</th><th scope="col">Quality gate (macro-F1 ≥ \(String(format: "%.2f", gate.minMacroF1)), ≥ \(gate.minExamplesPerLabel) examples a label)</th><th scope="col"></th></tr></thead>
        <tbody>\(rows)</tbody></table></div>\(rollback)<ol class="timeline">\(changes)</ol></section>
        \(driftPart)\(card.map(cardPart) ?? "")
        """
        return Layout.page(title: "Models", session: session, body: body)
    }

    /// How the serving model reads messages on this node, and why not with sentence vectors
    /// when it could.
    static func readingPart(_ health: MessageReader.Health) -> HTML {
        guard health.version != nil else { return "" }
        let missing = health.encoderProblem ?? "the sentence encoder is not loaded"
        switch (health.reading, health.modelReadsSentences) {
        case (.sentence?, _):
            return "<p>It reads each message with TF-IDF word and character n-grams and \(health.encoder ?? "sentence") vectors, which carry meaning across wording (matrix products on \(health.encoderArithmetic ?? SentenceEncoder.kernel)).</p>"
        case (_, true):
            return "<p class=\"notice warn\" role=\"status\">This version reads with sentence vectors, but on this node it reads with TF-IDF alone (its words-only part): \(missing).</p>"
        default:
            let hint: HTML = health.encoder != nil
                ? "The sentence encoder is installed: a version trained now also reads with sentence vectors."
                : "Sentence vectors are off: \(missing)."
            return "<p>This version reads with TF-IDF word and character n-grams alone. \(hint)</p>"
        }
    }

    /// A model's promotions and rollbacks, newest first, with who and why.
    static func servingChanges(_ history: [ModelServingChange]) -> [HTML] {
        history.reversed().map { h -> HTML in
            "<li><time>\(Format.time(h.changedAt))</time> · \(h.change.rawValue) → \(h.version) · \(h.changedBy)\(h.reason.map { ": \($0)" } ?? "")</li>"
        }
    }

    /// The form that returns a model to its previous version, once there is one.
    static func rollbackForm(_ action: String, history: [ModelServingChange], session: ConsoleSession) -> HTML {
        history.count > 1 ? """
            <form method="post" action="\(action)" class="actions">\(Layout.csrfField(session))<label>Why<input name="reason" maxlength="500"></label><button type="submit">Roll back to the previous version</button></form>
            """ : ""
    }

    /// Drift in meaning: how near messages lie to the request types learned, in sentence space.
    static func meaningDrift(_ d: TextProfile.Drift) -> String {
        guard let psi = d.meaningStability, let n = d.meaningRecent else { return "" }
        return String(format: ", meaning (nearness to the request types learned, over %d messages read with sentence vectors) %.3f (%@)", n, psi, band(psi, n))
    }

    /// How to read a stability index; with fewer than 30 messages it says too little.
    static func band(_ psi: Double, _ n: Int) -> String {
        n < 30 ? "too few messages to judge" : psi < 0.1 ? "stable" : psi <= 0.25 ? "moderate shift" : "major shift"
    }

    static func sentencePart(_ m: ModelMetadata) -> HTML {
        guard let sentence = m.sentence else { return "<p>Reads with TF-IDF alone.</p>" }
        let words = m.wordsOnlyEvaluation.map { String(format: "; its TF-IDF-only part, used where the encoder is not installed, scores macro-F1 %.4f on the same held-out data", $0.macroF1) } ?? ""
        return "<p>Reads with TF-IDF and \(sentence.encoder) sentence vectors (\(sentence.dimensions) dimensions, weights SHA-256 <code>\(String(sentence.weightsSHA256.prefix(12)))…</code>, scaled ×\(String(format: "%g", sentence.scale))\(sentence.precision.map { ", made in \($0.rawValue)" } ?? ""))\(words).</p>"
    }

    static func cardPart(_ card: ModelCard) -> HTML {
        guard let e = card.metadata.evaluation else {
            return "<section class=\"card\"><h2>Model card</h2><p>Version \(card.stored.version) was trained without held-out data (train with --holdout to measure it).</p></section>"
        }
        let classes = e.classes.map { c -> HTML in
            "<tr><th scope=\"row\">\(c.label)</th><td class=\"num\">\(String(format: "%.3f", c.precision))</td><td class=\"num\">\(String(format: "%.3f", c.recall))</td><td class=\"num\">\(String(format: "%.3f", c.f1))</td><td class=\"num\">\(c.support)</td></tr>"
        }
        let confusions = e.topConfusions(10).map { "\($0.truth) → \($0.predicted) ×\($0.count)" }
        let bins = e.calibration.map { b -> HTML in
            "<tr><td>\(String(format: "%.1f–%.1f", b.from, b.to))</td><td class=\"num\">\(b.count)</td><td class=\"num\">\(String(format: "%.3f", b.meanConfidence))</td><td class=\"num\">\(String(format: "%.3f", b.accuracy))</td></tr>"
        }
        let groups = e.groups.sorted { $0.key < $1.key }.map { (dimension, values) -> HTML in
            "<p>Accuracy by \(dimension): \(values.map { String(format: "%@ %.3f (n=%d)", $0.value, $0.accuracy, $0.n) }.joined(separator: ", "))</p>"
        }
        return """
        <section class="card" aria-labelledby="card-h"><h2 id="card-h">Model card: version \(card.stored.version)</h2>
        <p>Trained \(card.metadata.trainedAt) on \(card.metadata.summary.examples) examples (SHA-256 <code>\(card.metadata.trainingDataHash)</code>); \(card.metadata.summary.features) features.
        Held out \(e.n): accuracy \(String(format: "%.4f", e.accuracy)), macro-F1 \(String(format: "%.4f", e.macroF1)), expected calibration error \(String(format: "%.4f", e.expectedCalibrationError)).</p>
        \(sentencePart(card.metadata))
        \(groups)
        <div class="grid"><div class="tablewrap"><table><caption>Per request type</caption><thead><tr><th scope="col">Type</th><th scope="col" class="num">Precision</th><th scope="col" class="num">Recall</th><th scope="col" class="num">F1</th><th scope="col" class="num">Support</th></tr></thead><tbody>\(classes)</tbody></table></div>
        <div class="tablewrap"><table><caption>Calibration</caption><thead><tr><th scope="col">Confidence</th><th scope="col" class="num">Predictions</th><th scope="col" class="num">Mean confidence</th><th scope="col" class="num">Accuracy</th></tr></thead><tbody>\(bins)</tbody></table></div></div>
        <p>Most frequent confusions (true → read as): \(confusions.isEmpty ? "none" : confusions.joined(separator: ", "))</p></section>
        """
    }
}
