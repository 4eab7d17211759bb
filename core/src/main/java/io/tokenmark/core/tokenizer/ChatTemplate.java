package io.tokenmark.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.tokenmark.core.workload.ChatMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template: the Jinja2 program in {@code tokenizer_config.json} (or
 * {@code chat_template.jinja}) that turns a list of messages into the prompt text the model
 * receives, rendered here through Jinjava as transformers' {@code apply_chat_template} renders it.
 *
 * <p>The template sees the variables transformers passes: {@code messages} (each a map with
 * {@code role} and {@code content}), {@code add_generation_prompt}, and the special tokens of
 * {@code tokenizer_config.json} ({@code bos_token}, {@code eos_token}, {@code pad_token},
 * {@code unk_token}) when set. {@code tools} and {@code documents} are undefined. The functions
 * {@code raise_exception} and {@code strftime_now} are defined.
 *
 * <p><b>Jinja2 compatibility.</b> Blocks are trimmed as transformers configures Jinja2
 * ({@code trim_blocks}, {@code lstrip_blocks}), and {@code {{-}} trims like {@code {%-}}. What
 * Jinjava 2.8.2 lacks is added: Python string methods ({@link PythonStringMethods}), the
 * {@code [::-1]} slice and keyword arguments whose value is an expression
 * ({@link JinjavaSyntaxAdapter}). Qwen3's template renders as it does in Python. Other Python
 * constructs may still fail: other slice steps, {@code dict.get} with a default, {@code tojson}
 * spacing (Jinjava writes {@code {"a":1}} where Python writes {@code {"a": 1}}).
 *
 * <p><b>Threading:</b> {@link #render} is safe to call from several threads. Calls are
 * serialised, and each takes about a millisecond for a short conversation.
 */
public final class ChatTemplate {
    private static final String[] SPECIAL_TOKEN_KEYS = {"bos_token", "eos_token", "pad_token", "unk_token"};

    private final String source;
    private final String adaptedSource;
    private final Map<String, Object> globals;
    private final Jinjava jinjava;

    private ChatTemplate(String source, Map<String, String> globals) {
        this.source = source;
        this.adaptedSource = JinjavaSyntaxAdapter.adapt(source);
        this.globals = Map.copyOf(globals);
        this.jinjava = newJinjava();
    }

    /**
     * Wraps a template.
     *
     * @param source the Jinja2 source
     * @param globals variables available to every rendering, such as {@code bos_token}, or an
     *     empty map
     * @throws IllegalArgumentException if the source is blank
     */
    public static ChatTemplate of(String source, Map<String, String> globals) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("chat template is empty: give the Jinja2 source");
        }
        return new ChatTemplate(source, Objects.requireNonNull(globals, "globals"));
    }

    /**
     * Reads the chat template of a parsed {@code tokenizer_config.json}: its {@code chat_template}
     * (a string, or a list of named templates of which {@code default} is taken), unless
     * {@code templateFile} (the content of {@code chat_template.jinja}, which newer models ship
     * beside the config) is given, which takes precedence as in transformers.
     *
     * @param config the parsed configuration, or {@code null} when there is none
     * @param templateFile the content of {@code chat_template.jinja}, or {@code null}
     * @return the template, or empty when neither source has one
     */
    static Optional<ChatTemplate> fromTokenizerConfig(JsonNode config, String templateFile) {
        Map<String, String> globals = new LinkedHashMap<>();
        if (config != null) {
            for (String key : SPECIAL_TOKEN_KEYS) {
                String token = specialTokenText(config.get(key));
                if (token != null) {
                    globals.put(key, token);
                }
            }
        }

        String source = templateFile;
        if (source == null || source.isBlank()) {
            source = config == null ? null : templateSource(config.get("chat_template"));
        }
        if (source == null || source.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new ChatTemplate(source, globals));
    }

    private static String specialTokenText(JsonNode token) {
        if (token == null || token.isNull()) {
            return null;
        }
        if (token.isTextual()) {
            return token.asText();
        }
        JsonNode content = token.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }

    private static String templateSource(JsonNode chatTemplate) {
        if (chatTemplate == null || chatTemplate.isNull()) {
            return null;
        }
        if (chatTemplate.isTextual()) {
            return chatTemplate.asText();
        }
        if (chatTemplate.isArray()) {
            for (JsonNode named : chatTemplate) {
                if ("default".equals(named.path("name").asText())) {
                    return named.path("template").asText(null);
                }
            }
        }
        return null;
    }

    /** Returns the template's Jinja2 source as given. */
    public String source() {
        return source;
    }

    /**
     * Renders a conversation.
     *
     * @param messages the conversation, at least one message
     * @param addGenerationPrompt whether to append the start of an assistant turn, as servers do
     *     for chat completions
     * @return the prompt text
     * @throws ChatTemplateException if the template cannot be parsed, fails while rendering, or
     *     calls {@code raise_exception}. The message names the template line.
     * @throws IllegalArgumentException if {@code messages} is empty
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("no messages to render: give at least one");
        }
        Map<String, Object> bindings = new HashMap<>(globals);
        bindings.put("messages", toMaps(messages));
        bindings.put("add_generation_prompt", addGenerationPrompt);

        RenderResult result;
        try {
            synchronized (jinjava) {
                result = jinjava.renderForResult(adaptedSource, bindings);
            }
        } catch (ChatTemplateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ChatTemplateException("chat template failed: " + rootMessage(e), e);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException(describe(error), error.getException());
            }
        }
        return result.getOutput();
    }

    private static List<Map<String, Object>> toMaps(List<ChatMessage> messages) {
        List<Map<String, Object>> maps = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", message.role());
            map.put("content", message.content());
            maps.add(map);
        }
        return maps;
    }

    private static String describe(TemplateError error) {
        Throwable cause = error.getException();
        if (cause instanceof ChatTemplateException) {
            return cause.getMessage();
        }
        String detail = cause == null ? error.getMessage() : rootMessage(cause);
        return "chat template failed at line " + error.getLineno() + ": " + detail;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof ChatTemplateException) {
                break;
            }
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static Jinjava newJinjava() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);

        LegacyOverrides jinja2Semantics = LegacyOverrides.newBuilder()
                .withUseTrimmingForNotesAndExpressions(true)
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withEvaluateMapKeys(true)
                .withIterateOverMapKeys(true)
                .withKeepNullableLoopValues(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(jinja2Semantics)
                .withElResolver(resolver)
                .withFailOnUnknownTokens(false)
                // Jinjava would otherwise render template syntax found in message content.
                .withNestedInterpretationEnabled(false)
                .build();

        Jinjava jinjava = new Jinjava(config);
        jinjava.registerFunction(new ELFunctionDefinition(
                "", "raise_exception", ChatTemplateFunctions.class, "raiseException", String.class));
        jinjava.registerFunction(new ELFunctionDefinition(
                "", "strftime_now", ChatTemplateFunctions.class, "strftimeNow", String.class));
        return jinjava;
    }
}
