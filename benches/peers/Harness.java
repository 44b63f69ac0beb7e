// Times the benchmark workloads with Apache Velocity 1.7 (Debian's `velocity` package).
// $util/$utils is the small hand-written shim below (only what the workloads call).
// Compiled and run by benches/peers/run:
//
//   java Harness WORKLOADS_DIR SECONDS RUNS OUT_DIR [NAME,...]
//
// The context JSON is read once into the Java classes AppSync uses (LinkedHashMap,
// ArrayList, String, Boolean, Integer/Long/BigInteger, Double). Per workload: parse once
// (a Template from a StringResourceLoader, as an application caches it), check one render
// (output written to OUT_DIR/velocity.NAME.out), then warm = Template.merge, cold =
// VelocityEngine.evaluate (parse + render), each warmed up until its time stops improving
// (2 to 6 s), then RUNS timed runs of enough iterations for SECONDS; the median ns per
// render. Prints one JSON line per workload, as harness.js does.

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.*;
import java.util.function.Supplier;

import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.resource.loader.StringResourceLoader;
import org.apache.velocity.runtime.resource.util.StringResourceRepository;

public class Harness {

    // ---- the $util shim: exactly what the workloads call -------------------------------
    public static final class DynamoDb {
        public String toDynamoDBJson(Object v) { return json(ddb(v)); }
        public String toMapValuesJson(Map<?, ?> m) { return json(mapValues(m)); }
    }

    public static final class Util {
        private final DynamoDb dynamodb = new DynamoDb();
        public DynamoDb getDynamodb() { return dynamodb; }
        public String autoId() { return UUID.randomUUID().toString(); }
        public String qr(Object ignored) { return ""; }
        public String toJson(Object v) { return json(v); }
        public Object defaultIfNull(Object v, Object d) { return v == null ? d : v; }
        public Object defaultIfNullOrEmpty(Object v, Object d) {
            return v == null || "".equals(v) ? d : v;
        }
    }

    static Object ddb(Object v) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (v == null) m.put("NULL", Boolean.TRUE);
        else if (v instanceof String) m.put("S", v);
        else if (v instanceof Number) m.put("N", v.toString());
        else if (v instanceof Boolean) m.put("BOOL", v);
        else if (v instanceof List) {
            List<Object> l = new ArrayList<>();
            for (Object x : (List<?>) v) l.add(ddb(x));
            m.put("L", l);
        } else if (v instanceof Map) m.put("M", mapValues((Map<?, ?>) v));
        else m.put("S", v.toString());
        return m;
    }

    static Map<String, Object> mapValues(Map<?, ?> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : in.entrySet()) out.put(String.valueOf(e.getKey()), ddb(e.getValue()));
        return out;
    }

    static String json(Object v) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, v);
        return sb.toString();
    }

    static void writeJson(StringBuilder sb, Object v) {
        if (v == null) sb.append("null");
        else if (v instanceof String) quote(sb, (String) v);
        else if (v instanceof Number || v instanceof Boolean) sb.append(v);
        else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                writeJson(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Collection) {
            sb.append('[');
            boolean first = true;
            for (Object x : (Collection<?>) v) {
                if (!first) sb.append(',');
                first = false;
                writeJson(sb, x);
            }
            sb.append(']');
        } else quote(sb, v.toString());
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }

    static final Util UTIL = new Util();

    // ---- a small strict JSON reader ---------------------------------------------------
    static final class JsonReader {
        private final String text;
        private int pos;

        JsonReader(String text) { this.text = text; }

        static Object read(String text) {
            JsonReader r = new JsonReader(text);
            Object v = r.value();
            r.skip();
            if (r.pos != text.length()) throw r.fail("text after the value");
            return v;
        }

        private IllegalArgumentException fail(String why) {
            return new IllegalArgumentException("bad JSON at " + pos + ": " + why);
        }

        private void skip() {
            while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
        }

        private char peek() {
            skip();
            if (pos >= text.length()) throw fail("unexpected end");
            return text.charAt(pos);
        }

        private Object word(String w, Object v) {
            if (!text.startsWith(w, pos)) throw fail("expected " + w);
            pos += w.length();
            return v;
        }

        private Object value() {
            char c = peek();
            switch (c) {
                case '{': {
                    Map<String, Object> map = new LinkedHashMap<>();
                    pos++;
                    if (peek() == '}') { pos++; return map; }
                    while (true) {
                        if (peek() != '"') throw fail("expected a key");
                        String k = string();
                        if (peek() != ':') throw fail("expected ':'");
                        pos++;
                        map.put(k, value());
                        char d = peek();
                        pos++;
                        if (d == '}') return map;
                        if (d != ',') throw fail("expected ',' or '}'");
                    }
                }
                case '[': {
                    List<Object> list = new ArrayList<>();
                    pos++;
                    if (peek() == ']') { pos++; return list; }
                    while (true) {
                        list.add(value());
                        char d = peek();
                        pos++;
                        if (d == ']') return list;
                        if (d != ',') throw fail("expected ',' or ']'");
                    }
                }
                case '"': return string();
                case 't': return word("true", Boolean.TRUE);
                case 'f': return word("false", Boolean.FALSE);
                case 'n': return word("null", null);
                default: return number();
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') return out.toString();
                if (c != '\\') { out.append(c); continue; }
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n': out.append('\n'); break;
                    case 't': out.append('\t'); break;
                    case 'r': out.append('\r'); break;
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'u': out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16)); pos += 4; break;
                    default: out.append(e);
                }
            }
            throw fail("unterminated string");
        }

        private Object number() {
            int start = pos;
            while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) pos++;
            String n = text.substring(start, pos);
            if (n.isEmpty()) throw fail("unexpected character");
            if (n.contains(".") || n.contains("e") || n.contains("E")) return Double.valueOf(n);
            BigInteger big = new BigInteger(n);
            if (big.bitLength() < 32) return big.intValue();
            if (big.bitLength() < 64) return big.longValue();
            return big;
        }
    }

    // ---- timing -----------------------------------------------------------------------
    static long sink;

    /**
     * {median ns per call, iterations}. Warm-up: batches (growing to ~0.1 s) until the time
     * per call stops improving (no 3% gain in 5 batches), after at least max(seconds, 2 s)
     * and at most 6 s, so the JIT has compiled the hot paths (C2 takes 1.5 s or more on a
     * loaded 2-core machine). Then `runs` timed runs of
     * enough iterations for `seconds`.
     */
    static double[] measure(Supplier<String> body, double seconds, int runs) {
        double minWarm = Math.max(seconds, 2) * 1e9, maxWarm = Math.max(seconds, 6) * 1e9;
        long start = System.nanoTime(), batch = 1;
        double best = Double.MAX_VALUE, per;
        int stale = 0;
        while (true) {
            long t0 = System.nanoTime();
            for (long i = 0; i < batch; i++) sink += body.get().length();
            long dt = System.nanoTime() - t0;
            per = (double) dt / batch;
            if (per < best * 0.97) { best = per; stale = 0; } else stale++;
            if (dt < 100_000_000L) batch *= 2;
            long elapsed = System.nanoTime() - start;
            if (elapsed >= maxWarm || (elapsed >= minWarm && stale >= 5)) break;
        }
        long iterations = Math.max(1, (long) Math.ceil(seconds * 1e9 / per));
        double[] times = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < iterations; i++) sink += body.get().length();
            times[r] = (double) (System.nanoTime() - t0) / iterations;
        }
        Arrays.sort(times);
        return new double[] {times[runs / 2], iterations};
    }

    static String jsonLine(Map<String, Object> m) { return json(m); }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java Harness WORKLOADS_DIR SECONDS RUNS OUT_DIR [NAME,...]");
            System.exit(2);
        }
        Path dir = Paths.get(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String outDir = args.length > 3 ? args[3] : "";
        Set<String> wanted = args.length > 4 && !args[4].isEmpty()
                ? new HashSet<>(Arrays.asList(args[4].split(","))) : null;

        VelocityEngine engine = new VelocityEngine();
        engine.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
        engine.setProperty("resource.loader", "string");
        engine.setProperty("string.resource.loader.class", StringResourceLoader.class.getName());
        engine.init();
        StringResourceRepository repo = StringResourceLoader.getRepository();

        @SuppressWarnings("unchecked")
        Map<String, Object> workloads = (Map<String, Object>) JsonReader.read(read(dir.resolve("workloads.json")));
        for (Map.Entry<String, Object> entry : workloads.entrySet()) {
            String name = entry.getKey();
            if (name.startsWith("_") || (wanted != null && !wanted.contains(name))) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> w = (Map<String, Object>) entry.getValue();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("workload", name);
            try {
                String file = (String) w.get("template");
                String source = read(dir.resolve(file));
                @SuppressWarnings("unchecked")
                Map<String, Object> data = (Map<String, Object>) JsonReader.read(read(dir.resolve((String) w.get("context"))));
                data.put("args", data.get("arguments")); // AppSync's alias
                Supplier<VelocityContext> names = () -> {
                    VelocityContext c = new VelocityContext();
                    c.put("ctx", data);
                    c.put("context", data);
                    c.put("util", UTIL);
                    c.put("utils", UTIL);
                    return c;
                };

                repo.putStringResource(file, source);
                final Template parsed = engine.getTemplate(file, "UTF-8");
                Supplier<String> warmBody = () -> {
                    StringWriter out = new StringWriter();
                    parsed.merge(names.get(), out);
                    return out.toString();
                };
                Supplier<String> coldBody = () -> {
                    StringWriter out = new StringWriter();
                    engine.evaluate(names.get(), out, file, source);
                    return out.toString();
                };
                String out = warmBody.get();
                if (out.trim().isEmpty()) throw new IllegalStateException("empty output");
                if (coldBody.get().trim().isEmpty()) throw new IllegalStateException("empty output (evaluate)");
                if (!outDir.isEmpty())
                    Files.write(Paths.get(outDir, "velocity." + name + ".out"), out.getBytes(StandardCharsets.UTF_8));
                double[] warm = measure(warmBody, seconds, runs);
                double[] cold = measure(coldBody, seconds, runs);
                result.put("warm_ns", Math.round(warm[0]));
                result.put("cold_ns", Math.round(cold[0]));
                result.put("iterations", (long) warm[1]);
                result.put("runs", runs);
                result.put("util", Boolean.TRUE.equals(w.get("util")) ? "shim" : "none");
            } catch (Throwable e) {
                String msg = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
                if (msg.length() > 200) msg = msg.substring(0, 200);
                result.put("error", e.getClass().getSimpleName() + ": " + msg);
            }
            System.out.println(jsonLine(result));
            System.out.flush();
        }
        if (sink < 0) System.err.println(sink);
    }

    static String read(Path p) throws java.io.IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}
