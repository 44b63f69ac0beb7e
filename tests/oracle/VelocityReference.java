// Renders the conformance fixtures with the real Apache Velocity 1.7 (Debian package
// `velocity`), so no expected output in fixtures/velocity* can drift from the reference.
//
//   java VelocityReference check DIR...   compare every DIR/**/NAME.vtl with NAME.out / NAME.err
//   java VelocityReference bless DIR...   (re)write NAME.out / NAME.err from Velocity
//
// NAME.json (optional) is a JSON object whose top-level keys become variables; `ctx` and
// `context` alias each other. JSON maps to the Java classes AppSync uses: LinkedHashMap,
// ArrayList, String, Boolean, Integer/Long/BigInteger for integers, Double otherwise.
// A directory holding a file named `profile` that reads `appsync` is rendered with inline
// macros disabled, as AppSync does.
//
// NAME.err holds `exit 3` (parse error) or `exit 4` (render error) on its first line and
// Velocity's message after it. `check` compares the first line and the message.
import java.io.*;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.stream.*;

import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.TemplateInitException;

public class VelocityReference {

    /** A small strict JSON reader; numbers become AppSync's Java classes. */
    static final class JsonReader {
        private final String text;
        private int pos;

        JsonReader(String text) { this.text = text; }

        static Object read(String text) {
            JsonReader r = new JsonReader(text);
            Object v = r.value();
            r.skipSpace();
            if (r.pos != text.length()) throw r.fail("unexpected text after the value");
            return v;
        }

        private IllegalArgumentException fail(String why) {
            return new IllegalArgumentException("bad JSON at " + pos + ": " + why);
        }

        private void skipSpace() {
            while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
        }

        private char peek() {
            skipSpace();
            if (pos >= text.length()) throw fail("unexpected end");
            return text.charAt(pos);
        }

        private void expectWord(String w) {
            if (!text.startsWith(w, pos)) throw fail("expected " + w);
            pos += w.length();
        }

        private Object value() {
            char c = peek();
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (c == 't') { expectWord("true"); return Boolean.TRUE; }
            if (c == 'f') { expectWord("false"); return Boolean.FALSE; }
            if (c == 'n') { expectWord("null"); return null; }
            return number();
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            if (peek() == '}') { pos++; return map; }
            while (true) {
                if (peek() != '"') throw fail("expected a key");
                String key = string();
                if (peek() != ':') throw fail("expected ':'");
                pos++;
                map.put(key, value());
                char c = peek();
                pos++;
                if (c == '}') return map;
                if (c != ',') throw fail("expected ',' or '}'");
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            if (peek() == ']') { pos++; return list; }
            while (true) {
                list.add(value());
                char c = peek();
                pos++;
                if (c == ']') return list;
                if (c != ',') throw fail("expected ',' or ']'");
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

    static final class Result {
        final String out;   // rendered text, or null on error
        final String err;   // "exit N\nmessage", or null on success
        Result(String out, String err) { this.out = out; this.err = err; }
    }

    static Result render(String template, String json, String name, boolean appsync) {
        VelocityContext context = new VelocityContext();
        try {
            Object vars = json == null ? null : JsonReader.read(json);
            if (vars instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) vars;
                m.forEach((k, v) -> { if (v != null) context.put(k, v); });
                Object ctx = m.get("ctx") != null ? m.get("ctx") : m.get("context");
                if (ctx != null) { context.put("ctx", ctx); context.put("context", ctx); }
            }
        } catch (RuntimeException e) {
            return new Result(null, "exit 2\n" + e.getMessage());
        }
        StringWriter out = new StringWriter();
        try {
            VelocityEngine engine = new VelocityEngine();
            engine.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
            if (appsync) engine.setProperty("velocimacro.permissions.allow.inline", "false");
            engine.init();
            engine.evaluate(context, out, name, template);
            return new Result(out.toString(), null);
        } catch (ParseErrorException | TemplateInitException e) {
            return new Result(null, "exit 3\n" + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (Throwable e) {
            return new Result(null, "exit 4\n" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    static boolean appsyncDir(Path dir) throws IOException {
        for (Path d = dir; d != null; d = d.getParent()) {
            Path marker = d.resolve("profile");
            if (Files.isRegularFile(marker)) return read(marker).trim().equals("appsync");
        }
        return false;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("check") || args[0].equals("bless"))) {
            System.err.println("usage: VelocityReference check|bless DIR...");
            System.exit(2);
        }
        boolean bless = args[0].equals("bless");
        int total = 0, differ = 0;
        for (int a = 1; a < args.length; a++) {
            List<Path> templates;
            try (Stream<Path> s = Files.walk(Paths.get(args[a]))) {
                templates = s.filter(p -> p.toString().endsWith(".vtl")).sorted().collect(Collectors.toList());
            }
            for (Path t : templates) {
                String base = t.toString().substring(0, t.toString().length() - 4);
                Path jsonPath = Paths.get(base + ".json"), outPath = Paths.get(base + ".out"), errPath = Paths.get(base + ".err");
                String json = Files.exists(jsonPath) ? read(jsonPath) : null;
                Result r = render(read(t), json, t.getFileName().toString(), appsyncDir(t.getParent()));
                total++;
                if (bless) {
                    Files.deleteIfExists(outPath);
                    Files.deleteIfExists(errPath);
                    if (r.out != null) Files.write(outPath, r.out.getBytes(StandardCharsets.UTF_8));
                    else Files.write(errPath, (r.err + "\n").getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                String expected = Files.exists(outPath) ? read(outPath) : null;
                String expectedErr = Files.exists(errPath) ? read(errPath) : null;
                // Compare as UTF-8 bytes, as the files were written (a lone surrogate in
                // Velocity's output is written as `?`).
                boolean same = r.out != null
                        ? expected != null && Arrays.equals(utf8(r.out), Files.readAllBytes(outPath))
                        : expectedErr != null && Arrays.equals(utf8(r.err + "\n"), Files.readAllBytes(errPath));
                if (!same) {
                    differ++;
                    System.out.println("DIFFERS: " + t);
                    System.out.println("  Velocity 1.7: " + (r.out != null ? "output " + quote(r.out) : r.err.replace("\n", " | ")));
                    System.out.println("  committed:    " + (expected != null ? "output " + quote(expected) : String.valueOf(expectedErr).replace("\n", " | ")));
                }
            }
        }
        System.out.println(total + " templates " + (bless ? "rendered" : "checked") + ", " + differ + " differ from Velocity 1.7");
        System.exit(differ == 0 ? 0 : 1);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }
}
