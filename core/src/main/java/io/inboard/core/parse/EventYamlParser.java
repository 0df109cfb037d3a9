package io.inboard.core.parse;

import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.CharArrayReader;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Jackson's YAML parser, with the YAML event behind the current token made visible: Jackson does
 * not report the anchor of a scalar ({@code timeout: &t 2s}), and reports an empty plain scalar
 * ({@code field:}) as the string "", where YAML and Kubernetes mean null.
 */
final class EventYamlParser extends YAMLParser {
  EventYamlParser(IOContext ctxt, int parserFeatures, int yamlFeatures, LoaderOptions options,
      ObjectCodec codec, Reader reader) {
    super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
  }

  /** The anchor ({@code &name}) on the node of the current token, or {@code null}. */
  String nodeAnchor() {
    return _lastEvent instanceof NodeEvent node && !isCurrentAlias() ? node.getAnchor() : null;
  }

  /** True when the current token is an unquoted empty scalar, i.e. YAML's null. */
  boolean isPlainEmpty() {
    return _lastEvent instanceof ScalarEvent s && s.getValue().isEmpty() && s.isPlain();
  }

  /** Creates {@link EventYamlParser}s. */
  static final class Factory extends YAMLFactory {
    Factory(YAMLFactoryBuilder builder) {
      super(builder);
    }

    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) {
      return new EventYamlParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions,
          _objectCodec, r);
    }

    @Override
    protected YAMLParser _createParser(char[] data, int offset, int len, IOContext ctxt,
        boolean recyclable) {
      return new EventYamlParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions,
          _objectCodec, new CharArrayReader(data, offset, len));
    }
  }
}
