package io.inboard.filter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** The filter scenarios on embedded Tomcat 10.1, filter declared by class with init-parameters. */
class TomcatFilterTest extends FilterScenarios {
  @Override
  Container start(Map<String, String> initParams, Map<String, HttpServlet> servlets) throws Exception {
    Path base = Files.createTempDirectory("inboard-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", base.toString());

    FilterDef filter = new FilterDef();
    filter.setFilterName("inboard");
    filter.setFilterClass(InboardFilter.class.getName());
    filter.setAsyncSupported("true");
    initParams.forEach(filter::addInitParameter);
    context.addFilterDef(filter);
    FilterMap mapping = new FilterMap();
    mapping.setFilterName("inboard");
    mapping.addURLPattern("/*");
    for (DispatcherType type : DispatcherType.values()) {
      mapping.setDispatcher(type.name());
    }
    context.addFilterMap(mapping);

    ErrorPage notFound = new ErrorPage();
    notFound.setErrorCode(404);
    notFound.setLocation(ERROR_PAGE);
    context.addErrorPage(notFound);
    ErrorPage failed = new ErrorPage();
    failed.setExceptionType(PageException.class.getName());
    failed.setLocation(ERROR_PAGE);
    context.addErrorPage(failed);

    int n = 0;
    for (Map.Entry<String, HttpServlet> entry : servlets.entrySet()) {
      String name = "servlet-" + n++;
      // As ServletContext.addServlet(name, servlet) registers it, the way applications and
      // frameworks do: a StandardWrapper, whose UnavailableException handling is Tomcat's own
      // (Tomcat.addServlet's wrapper counts an instance as always available and answers 200).
      Wrapper wrapper = context.createWrapper();
      wrapper.setName(name);
      context.addChild(wrapper);
      wrapper.setServletClass(entry.getValue().getClass().getName());
      wrapper.setServlet(entry.getValue());
      wrapper.setAsyncSupported(true);
      context.addServletMappingDecoded(entry.getKey(), name);
    }
    tomcat.start();
    return new Container() {
      @Override
      public int port() {
        return connector.getLocalPort();
      }

      @Override
      public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
      }
    };
  }
}
